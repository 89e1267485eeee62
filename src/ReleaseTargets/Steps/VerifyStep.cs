using ReleaseTargets.Diagnostics;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Stages;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Steps;

/// <summary>
/// The Verify stage: a read + list SAS sized to the work (every byte with <c>--download</c>), the release checked against
/// its manifest, one report (log lines, JSON in the state folder, step summary) whatever the outcome, and a failure naming
/// every mismatch. Needs neither Build nor artifacts.
/// </summary>
internal static class VerifyStep
{
    public static async Task<VerifyReport> RunAsync(RunContext run, StageTimeline timeline, StorageConnection connection, Func<Azure.Core.TokenCredential> token, CancellationToken cancellationToken)
    {
        run.EnsureStateWritable();
        var manifest = (await ReleaseReading.ReadManifestAsync(run, connection, cancellationToken))?.Value;
        var bytes = run.Options.Download ? manifest?.Artifacts.Sum(a => a.Size) ?? 0 : 0;
        using var minted = await ReleaseReading.MintAsync(run, connection, timeline, ReleaseStages.Verify, bytes, cancellationToken);
        using var stage = timeline.Begin(ReleaseStages.Verify, minted.Forecast.Estimate);
        var container = connection.Container(minted.Sas.Credential);
        var runner = new Resilience.RequestRunner(run.Retry, run.Time, minted.Sas, run.Options.Container, run.Log);
        var verifier = new ReleaseVerifier(container, runner, run.Time, run.Log, run.Options.Download ? ReadAsync : null);
        var report = await verifier.VerifyAsync(run.Options.ReleaseVersion, cancellationToken);
        if (report.Status is VerifyStatus.Verified or VerifyStatus.Mismatch && manifest?.Images is { Count: > 0 } images
            && await ImageVerification.CheckAsync(run, images, token, cancellationToken) is { Count: > 0 } imageFindings)
        {
            report = report with { Status = VerifyStatus.Mismatch, Findings = [.. report.Findings, .. imageFindings] };
        }

        foreach (var line in PushReportWriter.ToLines(report))
        {
            run.Log.Write(report.Succeeded ? ReleaseLogLevel.Information : ReleaseLogLevel.Error, line);
        }

        // --download reads through Fetch's reader: the same ranged GETs, retries and renewal, nothing written.
        async Task<(byte[] Md5, byte[] Sha256)> ReadAsync(Push.Publication.ManifestArtifact artifact, Azure.Storage.Blobs.BlobClient blob, CancellationToken ct)
        {
            var hashes = await RangedBlobReader.ReadAndHashAsync(blob, artifact.Size, runner, ct, run.Options.Concurrency);
            return (hashes.Md5, hashes.Sha256);
        }
        await PushReportWriter.WriteAsync(report, run.Redactor, run.VerifyReportPath, run.StepSummaryPath, cancellationToken);
        if (report.Failure() is { } failure)
        {
            throw failure;
        }

        stage.Complete(report.BytesDownloaded, report.ArtifactsChecked);
        return report;
    }
}
