using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Runs a program to exit and measures it from outside, the same way for every contender: wall time from start to exit,
/// CPU time (user + system) and peak resident memory (VmHWM), both read from /proc every 25 ms while it runs (the CPU
/// time is that of the last sample, so up to 25 ms short).
/// </summary>
internal static class MeteredProcess
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux.

    public static async Task<ProcessMeasurement> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken = default)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var output = new StringBuilder();
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{start.FileName}'.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        double cpu = 0;
        long peak = 0;
        while (!exited.IsCompleted)
        {
            (cpu, peak) = Sample(process.Id, cpu, peak);
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(25), time, cancellationToken));
        }

        var wall = time.GetElapsedTime(started);
        await exited;
        process.WaitForExit(); // drains the redirected output
        return new ProcessMeasurement(process.ExitCode, wall.TotalSeconds, cpu, peak, output.ToString(), started);
    }

    /// <summary>
    /// Runs a fresh-process contender with the runtime settings build.sh gives every run (DOTNET_TieredPGO=0,
    /// DOTNET_TC_CallCountThreshold=1000) and reads its one result line; a non-zero exit or a missing line fails the sample.
    /// </summary>
    public static async Task<(ProcessMeasurement Run, System.Text.RegularExpressions.Match Line)> RunContenderAsync(
        ProcessStartInfo start, System.Text.RegularExpressions.Regex resultLine, string contender, CancellationToken cancellationToken = default)
    {
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_TC_CallCountThreshold"] = "1000";
        var run = await RunAsync(start, cancellationToken);
        var line = resultLine.Match(run.Output);
        return run.ExitCode == 0 && line.Success
            ? (run, line)
            : throw new InvalidOperationException($"{contender} exited {run.ExitCode}: {run.Output[^Math.Min(run.Output.Length, 2000)..]}");
    }

    private static (double Cpu, long Peak) Sample(int pid, double cpu, long peak)
    {
        try
        {
            // /proc/<pid>/stat: fields after the ")" of the command name; utime and stime are the 14th and 15th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpu = Math.Max(cpu, (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Math.Max(peak, long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // The process exited between two samples: keep the last values.
        }

        return (cpu, peak);
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

/// <param name="CpuSeconds">User + system CPU of the process (last sample before exit, ≤ 25 ms short).</param>
/// <param name="PeakBytes">Peak resident set (VmHWM) of the process.</param>
/// <param name="StartTimestamp">When the process was started (<see cref="TimeProvider.GetTimestamp"/> of the system clock).</param>
internal sealed record ProcessMeasurement(int ExitCode, double WallSeconds, double CpuSeconds, long PeakBytes, string Output, long StartTimestamp);
