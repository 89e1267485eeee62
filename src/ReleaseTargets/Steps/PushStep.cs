using ReleaseTargets.Push;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Steps;

/// <summary>
/// The Push stage: the images first, then every artifact and last the manifest (or the shard record), so the manifest means
/// images and files are all there. Writes the one report of the push, whatever the outcome.
/// </summary>
internal static class PushStep
{
    public static async Task<PushReport> RunAsync(RunContext run, StageTimeline timeline, RefreshedRelease refreshed, CancellationToken cancellationToken)
    {
        var (connection, release, minted) = refreshed;
        using var stage = timeline.Begin(ReleaseStages.PushOf(run.Options.Shard), minted.Forecast.Estimate);
        var container = connection.Container(minted.Sas.Credential);
        var stageSeconds = timeline.StageSeconds();
        var started = run.Time.GetTimestamp();
        var images = release.Images is { } toPush ? await toPush.PushAsync(cancellationToken) : null;
        if (images?.FirstOrDefault(i => i.Outcome is not (ArtifactOutcome.Uploaded or ArtifactOutcome.Skipped)) is { } failed)
        {
            var report = new PushReport(run.Options.ReleaseVersion, container.Uri, [], run.Time.GetElapsedTime(started), release.Images!.Renewals, minted.Sas.Current.Window.Describe(), Succeeded: false, ManifestUrl: null);
            throw new PushFailedException(await WriteAsync(run, minted, report, images, CancellationToken.None), [$"Image '{failed.Name}' was not pushed to {failed.Reference}: {failed.Error}", "No tag of it was written, no artifact was sent to storage and no release manifest was written; re-run the push: blobs already in the registry are skipped."]);
        }

        var pusher = new ReleasePusher(container, minted.Sas, run.Retry, run.Options.Concurrency, run.Options.ProgressInterval, run.Time, run.Log, run.Options.Shard);
        PushReport pushed;
        try
        {
            pushed = await pusher.PushAsync(release.Artifacts, run.Options.ReleaseVersion, stageSeconds, minted.Sas.Current.Window.Describe(), cancellationToken, images is null ? null : release.Images!.Published(images));
        }
        catch (PushFailedException failure)
        {
            failure.Report = await WriteAsync(run, minted, failure.Report, images, CancellationToken.None);
            throw;
        }

        var written = await WriteAsync(run, minted, pushed, images, cancellationToken);
        stage.Complete(written.BytesSent + (images?.Sum(i => i.BytesSent) ?? 0), written.Artifacts.Count + (images?.Count ?? 0));
        return written;
    }

    /// <summary>
    /// The report as written and returned: with the forecast the SAS was sized to and the images' results, and every error
    /// text redacted with the run's <see cref="RunContext.Redactor"/> (a server may have echoed a secret of this run).
    /// </summary>
    private static async Task<PushReport> WriteAsync(RunContext run, MintedCredentials minted, PushReport report, IReadOnlyList<ImageResult>? images, CancellationToken cancellationToken)
    {
        var complete = report with
        {
            ForecastEstimate = minted.Forecast.Estimate,
            ForecastBasis = minted.Forecast.Basis,
            Artifacts = report.Artifacts.Select(a => a.Error is null ? a : a with { Error = run.Redactor.Redact(a.Error) }).ToList(),
            Images = images?.Select(i => i.Error is null ? i : i with { Error = run.Redactor.Redact(i.Error) }).ToList(),
        };
        await PushReportWriter.WriteAsync(complete, run.Redactor, run.ReportPath, run.StepSummaryPath, cancellationToken);
        return complete;
    }
}
