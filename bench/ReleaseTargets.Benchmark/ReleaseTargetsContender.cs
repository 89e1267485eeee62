using ReleaseTargets.Configuration;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Benchmark;

/// <summary>One ReleaseTargets release exactly as the Cake stages run it: a new <see cref="ReleaseRun"/>, RefreshCredentials, Push.</summary>
internal sealed class ReleaseTargetsContender(BenchmarkHost host, QuietLog log)
{
    public string Describe(int blockSizeMiB, int concurrency) => $"ReleaseTargets {blockSizeMiB} MiB × {concurrency}";

    /// <param name="artifactsDirectory">Everything in it is released under <paramref name="version"/>.</param>
    /// <param name="viaProxy">Send data requests through the fault proxy.</param>
    public async Task<ReleaseTargetsOutcome> PushAsync(
        string artifactsDirectory, string version, int blockSizeMiB, int concurrency, bool viaProxy,
        CancellationToken cancellationToken = default)
    {
        var options = new ReleaseOptions
        {
            ReleaseVersion = version,
            Container = BenchmarkHost.Container,
            ArtifactsDirectory = artifactsDirectory,
            Artifacts = "**/*",
            StateDirectory = host.StateDirectory,
            BlockSizeMiB = blockSizeMiB,
            Concurrency = concurrency,
            ProgressInterval = TimeSpan.Zero,
        };
        var time = TimeProvider.System;
        var run = new ReleaseRun(options, log, time, new Dictionary<string, string>(), host.CreateTarget(viaProxy));
        var succeeded = false;
        try
        {
            var started = time.GetTimestamp();
            await run.RefreshCredentialsAsync(cancellationToken);
            var refresh = time.GetElapsedTime(started);
            started = time.GetTimestamp();
            var report = await run.PushAsync(cancellationToken);
            var push = time.GetElapsedTime(started);
            succeeded = true;
            return new ReleaseTargetsOutcome(refresh, push, report);
        }
        finally
        {
            await run.CompleteAsync(succeeded);
        }
    }
}

/// <param name="Refresh">RefreshCredentials: hashing the artifacts (MD5, needed for deterministic block IDs) + token + key + SAS.</param>
/// <param name="Push">The Push stage alone.</param>
internal sealed record ReleaseTargetsOutcome(TimeSpan Refresh, TimeSpan Push, PushReport Report);
