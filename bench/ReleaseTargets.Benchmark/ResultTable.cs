using System.Globalization;
using System.Text;

namespace ReleaseTargets.Benchmark;

/// <summary>The one place that formats results: a Markdown table with each issue-5 target and whether it was met.</summary>
public static class ResultTable
{
    public static string Format(BenchmarkResults r)
    {
        var s = new StringBuilder();
        object?[] sections = [r.LargeFile, r.ManyFiles, r.Faults, r.Resume, r.Memory, r.RefreshCredentials];
        if (sections.Any(x => x is not null))
        {
            s.AppendLine("| Measurement | ReleaseTargets | Plain SDK | Result (target) | Met |");
            s.AppendLine("|---|---|---|---|---|");
        }

        if (r.LargeFile is not null)
        {
            Clean(s, r.LargeFile);
        }

        if (r.ManyFiles is not null)
        {
            Clean(s, r.ManyFiles);
        }

        Faults(s, r.Faults);
        Resume(s, r.Resume);
        Memory(s, r.Memory);
        Credentials(s, r.RefreshCredentials);
        if (r.AzCopy is not null)
        {
            if (s.Length > 0)
            {
                s.AppendLine();
            }

            s.Append(AzCopy.AzCopyTable.Format(r.AzCopy));
        }

        if (r.BuildScript is { } b)
        {
            s.AppendLine();
            s.AppendLine($"./build.sh Push on one tiny artifact: {b.MedianCachedWallSeconds:0.00} s start to exit (median of {b.Samples.Count(x => !x.ScriptCompiled)}, script cached); "
                + $"beyond its two stages: {b.MedianCachedRestSeconds:0.00} s with the script cached, {b.CompiledRestSeconds:0.00} s when build.cake is compiled.");
        }

        return s.ToString();
    }

    private static void Faults(StringBuilder s, FaultResults? f)
    {
        if (f is null)
        {
            return;
        }

        var mib = f.PayloadBytes / 1048576d;
        s.AppendLine(Row(
            $"{f.FaultRate:P0} Put Block faults, 1 × {mib:0} MiB via proxy: time (clean via proxy)",
            $"{f.ReleaseTargets.MedianFaultSeconds:0.0} s ({f.ReleaseTargets.MedianCleanSeconds:0.0} s), {f.ReleaseTargets.Retries.Sum()} retries in {f.ReleaseTargets.Retries.Length} runs{Failures(f.ReleaseTargets)}",
            $"{f.PlainSdk.MedianFaultSeconds:0.0} s ({f.PlainSdk.MedianCleanSeconds:0.0} s), {f.PlainSdk.Retries.Sum()} whole-file retries in {f.PlainSdk.Retries.Length} runs{Failures(f.PlainSdk)}",
            $"{f.ReleaseTargets.TimeVsClean:0.00}× clean (≤ 1.30×); plain {f.PlainSdk.TimeVsClean:0.00}×",
            f.ReleaseTargets.TimeVsClean <= 1.3 && f.ReleaseTargets.MedianFaultSeconds < f.PlainSdk.MedianFaultSeconds && f.ReleaseTargets.Failures == 0));
        s.AppendLine(Row(
            "… bytes sent (proxy count) ÷ payload",
            $"{f.ReleaseTargets.MedianBytesSentRatio:0.000}×",
            $"{f.PlainSdk.MedianBytesSentRatio:0.000}×",
            "≤ 1.10× and below plain",
            f.ReleaseTargets.MedianBytesSentRatio <= 1.1 && f.ReleaseTargets.MedianBytesSentRatio < f.PlainSdk.MedianBytesSentRatio));
    }

    private static void Resume(StringBuilder s, ResumeResults? m)
    {
        if (m is null)
        {
            return;
        }

        s.AppendLine(Row(
            $"Resume: kill (SIGKILL) at ~{m.KillAt:P0} ({Join(m.StagedAtKill, "P0")} staged), re-run sends ÷ payload",
            $"{m.MedianResentRatio:0.000}× ({Join(m.ResentRatio, "0.000")})",
            $"{m.PlainSdkResentRatio:0.000}× (1 run)",
            "≤ 0.55×",
            m.MedianResentRatio <= 0.55));
    }

    private static void Memory(StringBuilder s, MemoryResults? mem)
    {
        if (mem is null)
        {
            return;
        }

        s.AppendLine(Row(
            $"Peak working set, {mem.Small.FileBytes / 1048576d:0} MiB → {mem.Large.FileBytes / 1048576d:0} MiB file ({mem.BlockSizeMiB} MiB × {mem.Concurrency}, child process)",
            $"{mem.Small.MedianPeakWorkingSetBytes / 1048576d:0} → {mem.Large.MedianPeakWorkingSetBytes / 1048576d:0} MiB",
            "–",
            $"{mem.PeakRatio:0.00}× (within 1 ± 0.10)",
            Math.Abs(mem.PeakRatio - 1) <= 0.10));
    }

    private static void Credentials(StringBuilder s, CredentialResults? c)
    {
        if (c is null)
        {
            return;
        }

        s.AppendLine(Row(
            $"RefreshCredentials (token + key + SAS), median of {c.Milliseconds.Length}",
            $"{c.MedianMilliseconds:0} ms (first {c.FirstMilliseconds:0} ms)",
            "–",
            "< 1000 ms",
            c.MedianMilliseconds < 1000));
    }

    private static void Clean(StringBuilder s, CleanCase c)
    {
        var best = c.PlainSdk.MedianMiBPerSecond >= c.PlainSdkOtherConcurrency.MedianMiBPerSecond ? c.PlainSdk : c.PlainSdkOtherConcurrency;
        var other = ReferenceEquals(best, c.PlainSdk) ? c.PlainSdkOtherConcurrency : c.PlainSdk;
        s.AppendLine(Row(
            $"Clean push, {c.Payload} (median of {c.ReleaseTargets.Seconds.Length})",
            $"{c.ReleaseTargets.MedianMiBPerSecond:0.0} MiB/s ({c.ReleaseTargets.MedianSeconds:0.00} s); {c.RatioIncludingRefresh:0.00}× incl. RefreshCredentials",
            $"{best.MedianMiBPerSecond:0.0} MiB/s ({best.Contender.Replace("plain SDK ", "", StringComparison.Ordinal)}); {other.MedianMiBPerSecond:0.0} ({other.Contender.Replace("plain SDK ", "", StringComparison.Ordinal)})",
            $"{c.RatioToBestPlain:0.00}× (≥ 0.95×)",
            c.RatioToBestPlain >= 0.95));
        s.AppendLine(Row(
            "… tuning and diagnosis",
            $"{c.ReleaseTargetsOtherConcurrency.MedianMiBPerSecond:0.0} MiB/s at {c.ReleaseTargetsOtherConcurrency.Contender.Replace("ReleaseTargets ", "", StringComparison.Ordinal)}",
            $"{c.PlainSdkWithChecks.MedianMiBPerSecond:0.0} MiB/s with a HEAD before and after each file",
            $"{c.ReleaseTargetsOtherConcurrency.MedianMiBPerSecond / Math.Max(c.PlainSdk.MedianMiBPerSecond, c.PlainSdkOtherConcurrency.MedianMiBPerSecond):0.00}× best plain",
            met: null));
    }

    private static string Failures(FaultContender c) => c.Failures > 0 ? $", {c.Failures} runs FAILED" : "";

    private static string Join(double[] values, string format) => string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    internal static string Row(string what, string releaseTargets, string plain, string result, bool? met) =>
        $"| {what} | {releaseTargets} | {plain} | {result} | {met switch { true => "yes", false => "**no**", null => "–" }} |";
}
