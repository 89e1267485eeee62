using System.Diagnostics;
using System.Text;

namespace ReleaseTargets.Benchmark;

/// <summary>This benchmark program started again in one of its child modes (<c>--memory-child</c>, <c>--push-child</c>).</summary>
internal static class ChildProcess
{
    /// <summary>Starts the child with its output captured into <paramref name="output"/> line by line.</summary>
    public static Process Start(string verb, IEnumerable<string> args, StringBuilder output)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path to start a child from.");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        start.ArgumentList.Add(verb);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{self}'.");
        child.OutputDataReceived += (_, e) => Append(output, e.Data);
        child.ErrorDataReceived += (_, e) => Append(output, e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
