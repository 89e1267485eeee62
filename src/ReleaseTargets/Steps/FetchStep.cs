using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Publication;
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
        WriteSums(run, report.Directory, selected);
        stage.Complete(report.BytesDownloaded, report.Files.Count);
        return report;
    }

    /// <summary>
    /// <c>SHA256SUMS</c> of the files fetched, beside them, so <c>sha256sum -c SHA256SUMS</c> checks the folder (the release's
    /// own sums file when every artifact was fetched). Written to a new temporary file and renamed over, so a link planted
    /// under either name is replaced, never followed.
    /// </summary>
    private static void WriteSums(RunContext run, string directory, IReadOnlyList<ManifestArtifact> fetched)
    {
        if (Sha256Sums.For(fetched.Select(a => a.Content)) is not { } sums)
        {
            run.Log.Information($"No {Sha256Sums.FileName} written into '{directory}': the manifest records no SHA-256 for some files (published before SHA-256 was recorded); each was verified by MD5.");
            return;
        }

        var path = Path.Combine(directory, Sha256Sums.FileName);
        var temporary = path + FetchConstants.PartialSuffix;
        File.Delete(temporary);
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(sums.Text));
        }

        File.Move(temporary, path, overwrite: true);
    }
}
