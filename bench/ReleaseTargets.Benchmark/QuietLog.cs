using System.Collections.Concurrent;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Benchmark;

/// <summary>Prints warnings and errors only (a benchmark's console is for its table); keeps the last lines for a failure message.</summary>
internal sealed class QuietLog(TextWriter output) : IReleaseLog
{
    private readonly ConcurrentQueue<string> _tail = new();

    public string Tail => string.Join(Environment.NewLine, _tail);

    public void Write(ReleaseLogLevel level, string message)
    {
        _tail.Enqueue(message);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }

        if (level >= ReleaseLogLevel.Warning)
        {
            lock (output)
            {
                output.WriteLine($"    [{level}] {message}");
            }
        }
    }
}
