using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Steps;

/// <summary>
/// The Fetch stage: the manifest (a version without one is refused before anything is written), a read-only SAS sized to
/// the forecast of this download from past fetches, then every selected file downloaded, verified and moved into
/// <c>--to</c>. Needs neither Build nor artifacts.
/// </summary>
internal static class FetchStep
{
    /// <summary>Where the release goes; a missing <c>--to</c> fails before anything is minted.</summary>
    public static string Destination(RunContext run) =>
        string.IsNullOrWhiteSpace(run.Options.FetchDirectory)
            ? throw new ReleaseConfigurationException(["Fetch needs the folder to download into: pass --to=<folder> (created when missing; relative to the repository root)."])
            : run.Options.FetchDirectory;

    public static async Task<FetchReport> RunAsync(RunContext run, StageTimeline timeline, string destination, Func<CancellationToken, Task<StorageConnection>> connect, CancellationToken cancellationToken)
    {
        var connection = await connect(cancellationToken);
        var manifest = await ReleaseReading.ManifestAsync(run, connection, $"Fetch of release '{run.Options.ReleaseVersion}' refused", cancellationToken);
        var selected = FetchSelection.Select(manifest, run.Options.Artifacts);
        using var minted = await ReleaseReading.MintAsync(run, connection, timeline, ReleaseStages.Fetch, selected.Sum(a => a.Size), cancellationToken);
        using var stage = timeline.Begin(ReleaseStages.Fetch, minted.Forecast.Estimate);
        var fetcher = new ReleaseFetcher(connection.Container(minted.Sas.Credential), minted.Sas, run.Retry, run.Options.Concurrency, run.Time, run.Log);
        var report = await fetcher.FetchAsync(manifest, destination, run.Options.Artifacts, cancellationToken);
        foreach (var line in PushReportWriter.ToLines(report))
        {
            run.Log.Information(line);
        }

        report.ThrowIfFailed(destination);
        stage.Complete(report.BytesDownloaded, report.Files.Count);
        return report;
    }
}
