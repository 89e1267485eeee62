namespace ReleaseTargets.Benchmark;

/// <summary>Everything one run measured; written as JSON. Every series keeps its raw samples next to its median.</summary>
public sealed record BenchmarkResults(
    string Mode,
    DateTimeOffset Started,
    double TotalSeconds,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, int> Repetitions,
    IReadOnlyList<string> Scenarios,
    CleanCase? LargeFile,
    CleanCase? ManyFiles,
    FaultResults? Faults,
    ResumeResults? Resume,
    MemoryResults? Memory,
    CredentialResults? RefreshCredentials,
    AzCopyResults? AzCopy,
    BuildScriptResults? BuildScript);

/// <summary>Durations of one contender on one payload.</summary>
public sealed record Series(string Contender, double[] Seconds, double MedianSeconds, double MedianMiBPerSecond)
{
    public static Series Of(string contender, IEnumerable<double> seconds, double payloadMiB)
    {
        var samples = seconds.ToArray();
        var median = Stats.Median(samples);
        return new Series(contender, samples, median, payloadMiB / median);
    }
}

/// <param name="RatioToBestPlain">ReleaseTargets' Push-stage MiB/s ÷ the faster plain SDK tuning's (target ≥ 0.95).</param>
/// <param name="RatioIncludingRefresh">The same with RefreshCredentials (MD5 of the artifacts + SAS) added to ReleaseTargets' time.</param>
/// <param name="ReleaseTargetsOtherConcurrency">ReleaseTargets with Concurrency raised to the SDK's high tuning (a tuning data point).</param>
/// <param name="PlainSdkWithChecks">Diagnostic: the plain SDK's high tuning plus ReleaseTargets' two HEADs per file (skip check, verify).</param>
public sealed record CleanCase(
    string Payload,
    long PayloadBytes,
    int Files,
    Series ReleaseTargets,
    double[] ReleaseTargetsRefreshSeconds,
    Series PlainSdk,
    Series PlainSdkOtherConcurrency,
    double RatioToBestPlain,
    double RatioIncludingRefresh,
    Series ReleaseTargetsOtherConcurrency,
    Series PlainSdkWithChecks);

/// <param name="BytesSentRatio">Request body bytes the proxy received from the client ÷ payload (failed attempts included).</param>
/// <param name="BytesForwardedRatio">Body bytes the proxy passed on to Azurite ÷ payload.</param>
/// <param name="FaultsInjected">Requests the proxy failed on purpose, per repetition.</param>
/// <param name="Retries">ReleaseTargets: retries its report counted; plain SDK: extra whole-file attempts of the loop.</param>
/// <param name="Failures">Repetitions that did not complete (plain SDK: a file failed all its whole-file attempts).</param>
public sealed record FaultContender(
    string Contender,
    double[] CleanSeconds,
    double[] FaultSeconds,
    double[] BytesSentRatio,
    double[] BytesForwardedRatio,
    int[] FaultsInjected,
    int[] Retries,
    int Failures,
    double MedianCleanSeconds,
    double MedianFaultSeconds,
    double TimeVsClean,
    double MedianBytesSentRatio);

/// <param name="CleanSeconds">The same payload through the same proxy without faults: the baseline of TimeVsClean.</param>
public sealed record FaultResults(long PayloadBytes, double FaultRate, string Mix, FaultContender ReleaseTargets, FaultContender PlainSdk);

/// <param name="StagedAtKill">Share of the payload Azurite had accepted when the push process was killed.</param>
/// <param name="ResentRatio">Body bytes the re-run sent (proxy count) ÷ payload.</param>
/// <param name="PlainSdkResentRatio">The plain SDK, cancelled at the same point and re-run once, for reference.</param>
public sealed record ResumeResults(
    long PayloadBytes,
    double KillAt,
    double[] StagedAtKill,
    double[] ResentRatio,
    double MedianResentRatio,
    double[] ResumeSeconds,
    double PlainSdkResentRatio);

public sealed record MemoryCase(long FileBytes, long[] PeakWorkingSetBytes, long[] SampledPeakWorkingSetBytes, double[] PushSeconds, long MedianPeakWorkingSetBytes);

/// <param name="Method">How the peak was taken.</param>
/// <param name="PeakRatio">Large-file peak ÷ small-file peak (target within 1 ± 0.10).</param>
public sealed record MemoryResults(string Method, int BlockSizeMiB, int Concurrency, MemoryCase Small, MemoryCase Large, double PeakRatio);

/// <param name="FirstMilliseconds">The first sample (cold: JIT, first TLS handshake); the median excludes nothing.</param>
public sealed record CredentialResults(double[] Milliseconds, double MedianMilliseconds, double FirstMilliseconds);

internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static long Median(IReadOnlyCollection<long> values) => (long)Median(values.Select(v => (double)v).ToArray());
}

/// <summary>Whole-process measurements of one contender on one payload (wall time start → exit, CPU, peak RSS).</summary>
public sealed record ProcessSeries(
    string Contender, double[] WallSeconds, double[] CpuSeconds, long[] PeakBytes,
    double MedianWallSeconds, double MedianMiBPerSecond, double MedianCpuSeconds, long MedianPeakBytes)
{
    internal static ProcessSeries Of(string contender, IReadOnlyList<ProcessMeasurement> runs, double payloadMiB)
    {
        double[] wall = [.. runs.Select(r => r.WallSeconds)];
        double[] cpu = [.. runs.Select(r => r.CpuSeconds)];
        long[] peak = [.. runs.Select(r => r.PeakBytes)];
        var median = Stats.Median(wall);
        return new ProcessSeries(contender, wall, cpu, peak, median, payloadMiB / median, Stats.Median(cpu), Stats.Median(peak));
    }
}

/// <summary>Where a fresh ReleaseTargets process spends its time (the rest of the wall time is runtime start, JIT and exit).</summary>
public sealed record FreshPhases(double[] ToMainSeconds, double[] RefreshSeconds, double[] PushSeconds, double MedianToMainSeconds, double MedianRefreshSeconds, double MedianPushSeconds);

/// <param name="RatioToBestMd5">Best AzCopy setting with --put-md5 (median wall) ÷ ReleaseTargets' (target ≥ 1.2).</param>
/// <param name="RatioToBestWithoutMd5">Best AzCopy setting without MD5 ÷ ReleaseTargets' (target ≥ 1.0).</param>
/// <param name="ReleaseTargetsPeakBytes">ReleaseTargets' median peak RSS (target ≤ <paramref name="AzCopyLowestPeakBytes"/>).</param>
/// <param name="ToLastByte">Start to last response byte through the relay, per contender (only for some payloads).</param>
public sealed record AzCopyCase(
    string Payload, long PayloadBytes, int Files, ProcessSeries[] Contenders, IReadOnlyDictionary<string, FreshPhases> ReleaseTargetsPhases,
    string BestMd5, double RatioToBestMd5, string BestWithoutMd5, double RatioToBestWithoutMd5,
    long ReleaseTargetsPeakBytes, long AzCopyLowestPeakBytes, LastByteSeries[]? ToLastByte = null)
{
    /// <summary>The minimal client on the same payload in the same rotation: the limit of this box (issue 23).</summary>
    public LimitCase? Limit { get; init; }
}

/// <summary>The minimal client (in-memory bytes, no hashing, no retries, the same concurrency) against ReleaseTargets.</summary>
/// <param name="TransferSeconds">Its first request → last response, per run.</param>
/// <param name="PushStageShare">Its median transfer ÷ ReleaseTargets' median Push stage (target ≥ 0.95).</param>
/// <param name="WallShare">Its median start → exit ÷ ReleaseTargets' (how much of the limit the whole run reaches).</param>
public sealed record LimitCase(double[] TransferSeconds, double MedianTransferSeconds, double MedianWallSeconds, double PushStageShare, double WallShare);

/// <summary>Process start → last response byte (through <c>LastByteRelay</c>).</summary>
public sealed record LastByteSeries(string Contender, double[] Seconds, double MedianSeconds, double MedianMiBPerSecond);

/// <summary>The AzCopy comparison, or why it was skipped.</summary>
public sealed record AzCopyResults(string? Skipped, string? AzCopyVersion, AzCopyCase[] Cases);

/// <param name="RestSeconds">Wall time minus the RefreshCredentials and Push stages: bootstrap, Cake, script, teardown.</param>
public sealed record BuildScriptSample(bool ScriptCompiled, double WallSeconds, double RefreshSeconds, double PushSeconds, double RestSeconds);

public sealed record BuildScriptResults(BuildScriptSample[] Samples, double CompiledRestSeconds, double MedianCachedRestSeconds, double MedianCachedWallSeconds);
