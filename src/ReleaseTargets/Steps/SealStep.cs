using ReleaseTargets.Resilience;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Seal;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Steps;

/// <summary>
/// The Seal stage of a sharded release: its own SAS sized to the wait (<c>--seal-timeout</c>) plus verification, every
/// expected shard record awaited and verified, then the manifest. Needs neither Build nor artifacts.
/// </summary>
internal static class SealStep
{
    /// <summary>The shards Seal waits for; bad input fails before anything is minted.</summary>
    public static IReadOnlyList<string> ExpectedShards(RunContext run)
    {
        var shards = run.Options.ExpectedShards();
        return shards.Count > 0
            ? shards
            : throw new ReleaseConfigurationException(["Seal needs the shards to wait for: pass --shards=a,b,c (the --shard names of the pushes) or --shard-count=N (shards named 1 to N)."]);
    }

    /// <summary>The seal's credentials, sized to the wait plus verification; the container is created first when allowed (a seal may run before any shard).</summary>
    public static async Task<MintedCredentials> MintAsync(RunContext run, StorageConnection connection, CancellationToken cancellationToken)
    {
        await connection.EnsureContainerAsync(cancellationToken);
        return await MintedCredentials.MintAsync(run, connection, SealForecast.For(run.Options.SealTimeout, run.Options.Forecast.SafetyFactor), cancellationToken);
    }

    public static async Task<SealReport> RunAsync(RunContext run, StageTimeline timeline, StorageConnection connection, MintedCredentials minted, IReadOnlyList<string> shards, CancellationToken cancellationToken)
    {
        var container = connection.Container(minted.Sas.Credential);
        var runner = new RequestRunner(run.Retry, run.Time, minted.Sas, run.Options.Container, run.Log);
        var sealer = new ReleaseSealer(container, runner, new ShardWaiter(run.Time, run.Log, run.Options.SealTimeout), run.Time, run.Log);
        var report = await sealer.SealAsync(run.Options.ReleaseVersion, shards, timeline.StageSeconds(), cancellationToken);
        foreach (var line in PushReportWriter.ToLines(report))
        {
            run.Log.Information(line);
        }

        return report;
    }
}
