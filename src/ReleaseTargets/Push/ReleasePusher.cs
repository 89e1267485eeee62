using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using ReleaseTargets.Resilience;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Push.Upload;

namespace ReleaseTargets.Push;

/// <summary>
/// Pushes a release so that it is whole or absent and never torn: claims the version for this exact content, pushes every
/// artifact through <see cref="ResumableBlobUploader"/> with bounded concurrency (the first failure that would fail every
/// other artifact too stops the push), then creates the manifest, last and only if absent. With a shard, the version is
/// claimed for shards (mode sharded), then the shard itself, and the push ends by recording the shard; Seal writes the
/// manifest. Whole against sharded is one <see cref="IPublication"/>, chosen once. Shard names ignore case (<see cref="ShardName"/>).
/// </summary>
internal sealed class ReleasePusher(
    BlobContainerClient container,
    IPushCredential credential,
    PushRetryOptions retryOptions,
    int concurrency,
    TimeSpan progressInterval,
    TimeProvider timeProvider,
    IReleaseLog log,
    string? shard = null)
{
    private readonly string? shard = ShardName.Canonical(shard);

    private const string NotVisible = "no manifest was written, so the release is not visible. Re-run the push to resume.";

    /// <param name="images">The images pushed before the files, recorded with them in the manifest (or shard record); null when none.</param>
    public async Task<PushReport> PushAsync(ArtifactSet artifacts, string version, IReadOnlyDictionary<string, double> stageSeconds, string? sasWindow, CancellationToken cancellationToken = default, IReadOnlyList<Registry.PublishedImage>? images = null)
    {
        await using var progress = new PushProgress(artifacts.TotalBytes, timeProvider, log, progressInterval);
        var runner = new RequestRunner(retryOptions, timeProvider, credential, container.Name, log, progress);
        var control = new StrongBox<int>();
        var results = new ArtifactResult?[artifacts.Artifacts.Count];
        var manifestClient = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        Uri? manifestUrl = null;
        Uri? recordUrl = null;
        string? stoppedBy = null;
        ETag? ownClaim = null;
        var claim = ReleaseClaim.For(artifacts, version, timeProvider.GetUtcNow(), $"{Environment.MachineName} (pid {Environment.ProcessId})");
        var store = new PublicationStore(runner, control);
        var claimant = new ReleaseClaimant(container, store, version, shard, timeProvider, log);
        var publication = IPublication.For(container, store, claimant, version, shard, timeProvider, log, images);

        PushReport Report(bool succeeded) => new(
            version,
            container.Uri,
            results.Select((r, i) => r ?? NotAttempted(artifacts.Artifacts[i], stoppedBy)).ToList(),
            progress.Elapsed,
            credential.Renewals,
            sasWindow,
            succeeded,
            manifestUrl,
            control.Value)
        {
            Shard = publication.Shard,
            ShardRecordUrl = recordUrl,
        };

        // Every way a push ends unpublished: one report, the claim given back if nothing was committed, the lines, the exception.
        async Task<PushFailedException> UnpublishedAsync(Func<PushReport, IEnumerable<string>> lines)
        {
            var report = Report(succeeded: false);
            await claimant.ReleaseIfNothingCommittedAsync(ownClaim, claim, report);
            WriteLines(report);
            return new PushFailedException(report, lines(report).ToList());
        }

        try
        {
            if (await store.ReadAsync(manifestClient, "Reading the release manifest", ReleaseManifest.Codec, cancellationToken) is { } published)
            {
                await publication.EnsurePublishedHoldsAsync(published.Value, claim, artifacts, manifestClient.Uri, cancellationToken);
                manifestUrl = manifestClient.Uri;
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = Result(artifacts.Artifacts[i], ArtifactOutcome.Skipped);
                }
            }
            else
            {
                // The listing only reads: it runs beside the claim instead of after it (issue 23: one round trip less before
                // the first byte). Nothing is sent until both are in, so a refused claim still sends nothing.
                var listing = ListCommittedAsync(artifacts.Prefix, runner, control, cancellationToken);
                try
                {
                    ownClaim = await claimant.ClaimAsync(claim, cancellationToken);
                }
                catch
                {
                    await ((Task)listing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw;
                }

                var committed = await listing;
                if (publication.RefusalBefore(committed) is { } refusal)
                {
                    stoppedBy = refusal.StoppedBy;
                    throw await UnpublishedAsync(_ => [refusal.Message]);
                }

                stoppedBy = await UploadAllAsync(artifacts, committed, runner, results, cancellationToken);
                if (results.All(r => r?.Outcome is not (ArtifactOutcome.Failed or null)))
                {
                    (manifestUrl, recordUrl) = await publication.CompleteAsync(claim, results.Select(r => r!).ToList(), stageSeconds, progress.Elapsed, cancellationToken);
                }
            }
        }
        catch (RequestFailureException failed)
        {
            // A control request (manifest, claim, listing) failed for good: same report, same next step as an artifact failure.
            stoppedBy = $"{failed.Step} failed";
            throw await UnpublishedAsync(report => [failed.Message, $"Push of release '{version}' stopped after sending {Units.Bytes(report.BytesSent)}; {NotVisible}"]);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stoppedBy = "the push was cancelled";
            throw await UnpublishedAsync(report => [
                $"Push of release '{version}' was cancelled after sending {Units.Bytes(report.BytesSent)}; no manifest was written, so nothing was published. " +
                "Staged blocks are kept: re-run the push to resume from them."]);
        }

        if (manifestUrl is null && recordUrl is null)
        {
            throw await UnpublishedAsync(report =>
            {
                var failures = report.Artifacts.Where(r => r.Outcome == ArtifactOutcome.Failed).Select(r => r.Error!).ToList();
                return failures.Prepend($"Push of {claimant.Subject} failed for {failures.Count} artifact(s) after sending {Units.Bytes(report.BytesSent)}; {NotVisible}");
            });
        }

        var final = Report(succeeded: true);
        WriteLines(final);
        return final;
    }

    /// <returns>The first artifact failure that stopped the whole push, or null.</returns>
    private async Task<string?> UploadAllAsync(ArtifactSet artifacts, Dictionary<string, CommittedBlob> committed, RequestRunner runner, ArtifactResult?[] results, CancellationToken cancellationToken)
    {
        // A block is never longer than its file, so a push of small files needs only buffers as large as its largest file.
        var bufferSize = (int)Math.Clamp(artifacts.Artifacts.Max(a => Math.Min(a.Length, a.BlockSize)), 1, int.MaxValue);
        using var buffers = new BlockBuffers(concurrency, bufferSize);
        var uploader = new ResumableBlobUploader(container, runner, buffers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? stoppedBy = null;
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, results.Length),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stop.Token },
                async (i, ct) =>
                {
                    var artifact = artifacts.Artifacts[i];
                    try
                    {
                        results[i] = await uploader.UploadAsync(artifact, committed.GetValueOrDefault(artifact.BlobName), ct);
                    }
                    catch (ArtifactPushException stopped) when (stopped.Fault is OperationCanceledException && ct.IsCancellationRequested)
                    {
                        results[i] = Result(artifact, ArtifactOutcome.Interrupted) with
                        {
                            BytesSent = stopped.BytesSent,
                            Retries = stopped.Retries,
                            Error = $"interrupted: the push stopped because {(cancellationToken.IsCancellationRequested ? "it was cancelled" : Volatile.Read(ref stoppedBy))}; staged blocks are kept",
                        };
                    }
                    catch (ArtifactPushException failure)
                    {
                        results[i] = Result(artifact, ArtifactOutcome.Failed) with { BytesSent = failure.BytesSent, Retries = failure.Retries, Error = failure.Message };
                        if (failure.StopsThePush)
                        {
                            // Every such failure cancels before its slot can take the next artifact (the first one names the cause).
                            Interlocked.CompareExchange(ref stoppedBy, $"'{artifact.RelativePath}' failed", null);
                            await stop.CancelAsync();
                        }
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        // Stopped by another artifact's failure: reported as not attempted.
                    }
                });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        // Parallel.ForEachAsync may end quietly when every started body finished: a cancelled push must not go on to the manifest.
        cancellationToken.ThrowIfCancellationRequested();
        return stoppedBy;
    }

    /// <summary>
    /// One listing of the release prefix instead of a request per artifact: the names already committed, so the rest are
    /// created without asking first.
    /// </summary>
    private async Task<Dictionary<string, CommittedBlob>> ListCommittedAsync(string prefix, RequestRunner runner, StrongBox<int> control, CancellationToken cancellationToken) =>
        (await StoredBlobs.ListAsync(container, runner, $"Listing release '{prefix}'", prefix + "/", control, cancellationToken))
            .ToDictionary(p => p.Key, p => new CommittedBlob(p.Value.Properties.ContentLength ?? 0, p.Value.Properties.ContentHash ?? []), StringComparer.Ordinal);

    private ArtifactResult Result(Artifact a, ArtifactOutcome outcome) =>
        new(a.RelativePath, a.BlobName, container.GetBlobClient(a.BlobName).Uri, a.Length, Convert.ToBase64String(a.Md5), outcome, TimeSpan.Zero, 0, 0, 0, 0);

    private ArtifactResult NotAttempted(Artifact a, string? stoppedBy) =>
        Result(a, ArtifactOutcome.NotAttempted) with { Error = $"not attempted: the push stopped because {stoppedBy ?? "an earlier step failed"}" };

    private void WriteLines(PushReport report)
    {
        foreach (var line in PushReportWriter.ToLines(report))
        {
            log.Information(line);
        }
    }
}
