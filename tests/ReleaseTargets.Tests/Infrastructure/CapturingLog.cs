using System.Collections.Concurrent;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>Keeps every line exactly as written (no redaction of its own), so tests can prove nothing secret reached the sink.</summary>
public sealed class CapturingLog : IReleaseLog
{
    private readonly ConcurrentQueue<(ReleaseLogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(ReleaseLogLevel Level, string Message)> Lines => _lines.ToArray();

    public string Text => string.Join(Environment.NewLine, _lines.Select(l => l.Message));

    public void Write(ReleaseLogLevel level, string message) => _lines.Enqueue((level, message));
}
