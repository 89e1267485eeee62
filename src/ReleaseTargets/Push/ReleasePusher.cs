using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Polly;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push;

/// <summary>
/// Pushes a release: every artifact through <see cref="ResumableBlobUploader"/> with bounded concurrency, then the
/// manifest, last, so the release is whole or absent.
/// </summary>
public sealed class ReleasePusher(
    BlobContainerClient container,
    IPushCredential credential,
    PushRetryOptions retryOptions,
    int blockSize,
    int concurrency,
    TimeSpan progressInterval,
    TimeProvider timeProvider,
    IReleaseLog log)
{
    public async Task<PushReport> PushAsync(ArtifactSet artifacts, string version, IReadOnlyDictionary<string, double> stageSeconds, string? sasWindow, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        var manifestClient = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        await using var progress = new PushProgress(artifacts.TotalBytes, timeProvider, log, progressInterval);
        var pipeline = PushResiliencePipeline.Create(retryOptions, timeProvider, credential, e =>
        {
            progress.AddRetry();
            log.Verbose($"Retrying after {StorageFaultClassifier.Describe(e.Fault)} (attempt {e.NextAttempt}{(e.IsCredentialRenewal ? ", SAS renewed" : $", waiting {Units.Duration(e.Delay)}")}).");
        });

        var alreadyPublished = await EnsureNotPublishedDifferentlyAsync(manifestClient, artifacts, version, pipeline, cancellationToken);

        var committed = await ListCommittedAsync(pipeline, artifacts.Prefix, cancellationToken);
        // A block is never longer than its file, so a push of small files needs only buffers as large as its largest file.
        using var buffers = new BlockBuffers(concurrency, (int)Math.Clamp(artifacts.Artifacts.Select(a => a.Length).DefaultIfEmpty(1).Max(), 1, blockSize));
        var uploader = new ResumableBlobUploader(container, pipeline, credential, progress, buffers, blockSize, timeProvider);
        var results = new ArtifactResult[artifacts.Artifacts.Count];
        var failures = new List<ArtifactPushException>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, results.Length),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    results[i] = await uploader.UploadAsync(artifacts.Artifacts[i], committed.GetValueOrDefault(artifacts.Artifacts[i].BlobName), ct);
                }
                catch (ArtifactPushException failure)
                {
                    var a = failure.Artifact;
                    results[i] = new ArtifactResult(a.RelativePath, a.BlobName, container.GetBlobClient(a.BlobName).Uri, a.Length, Convert.ToBase64String(a.Md5),
                        ArtifactOutcome.Failed, TimeSpan.Zero, 0, 0, 0, failure.Retries, PushErrors.Describe(failure, retryOptions, container.Name, timeProvider));
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            });

        Uri? manifestUrl = alreadyPublished && failures.Count == 0 ? manifestClient.Uri : null;
        if (failures.Count == 0 && !alreadyPublished)
        {
            var manifest = new ReleaseManifest(
                version,
                timeProvider.GetUtcNow(),
                results.Select(r => new ManifestArtifact(r.Name, r.Length, r.Md5, r.Url)).ToList(),
                stageSeconds);
            await RunAsync(pipeline, ct => manifestClient.UploadAsync(BinaryData.FromString(manifest.ToJson()), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct), cancellationToken);
            manifestUrl = manifestClient.Uri;
        }

        var report = new PushReport(version, container.Uri, results, timeProvider.GetElapsedTime(started), credential.Renewals, sasWindow, failures.Count == 0, manifestUrl);
        foreach (var line in PushReportWriter.ToLines(report))
        {
            log.Information(line);
        }

        if (failures.Count > 0)
        {
            throw new PushFailedException(report, results.Where(r => r.Error is not null).Select(r => r.Error!).ToList());
        }

        return report;
    }

    /// <summary>
    /// A published release is immutable: the same content is a no-op (every blob is skipped), different content is refused
    /// before a byte is sent — overwriting it would leave readers of the old manifest with blobs that no longer match.
    /// </summary>
    /// <returns>True when this exact release is already published (a re-run then sends nothing and leaves the manifest as it is).</returns>
    private async Task<bool> EnsureNotPublishedDifferentlyAsync(BlobClient manifestClient, ArtifactSet artifacts, string version, ResiliencePipeline pipeline, CancellationToken cancellationToken)
    {
        ReleaseManifest? published;
        try
        {
            var content = await RunAsync(pipeline, async ct => (await manifestClient.DownloadContentAsync(ct)).Value.Content, cancellationToken);
            published = ReleaseManifest.FromJson(content.ToString());
        }
        catch (RequestFailedException exception) when (exception.Status == 404 && exception.ErrorCode == "ContainerNotFound")
        {
            throw new ReleaseTargetsException(
                $"Container '{container.Name}' does not exist at {container.Uri}; create it, or pass --create-container=true so RefreshCredentials creates it.", exception);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return false;
        }

        var local = artifacts.Artifacts.Select(a => (a.RelativePath, Convert.ToBase64String(a.Md5))).Order().ToList();
        var remote = published?.Artifacts.Select(a => (a.Name, a.Md5)).Order().ToList();
        if (remote is null || !local.SequenceEqual(remote))
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' is already published with different artifacts ({manifestClient.Uri}). Published releases are immutable: bump --release-version, or delete that release first.");
        }

        return true;
    }

    /// <summary>
    /// One listing of the release prefix instead of a HEAD per artifact: what is already committed, with length and MD5,
    /// so unchanged artifacts are skipped without a request each.
    /// </summary>
    private async Task<Dictionary<string, CommittedBlob>> ListCommittedAsync(ResiliencePipeline pipeline, string prefix, CancellationToken cancellationToken)
    {
        try
        {
            return await ListAsync();
        }
        catch (RequestFailedException exception) when (StorageFaultClassifier.Classify(exception) == FaultKind.PermissionDenied)
        {
            throw new ReleaseTargetsException(
                $"Listing release '{prefix}' in container '{container.Name}' was refused ({StorageFaultClassifier.Describe(exception)}): the SAS or identity lacks the List permission. Grant 'Storage Blob Data Contributor' on the container.", exception);
        }

        Task<Dictionary<string, CommittedBlob>> ListAsync() => RunAsync(pipeline, async ct =>
        {
            var found = new Dictionary<string, CommittedBlob>(StringComparer.Ordinal);
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }, ct))
            {
                if (item.Properties.ContentLength is { } length && item.Properties.ContentHash is { Length: > 0 } md5)
                {
                    found[item.Name] = new CommittedBlob(length, md5);
                }
            }

            return found;
        }, cancellationToken);
    }

    private static async Task<T> RunAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(async ct => await action(ct), cancellationToken);
}
