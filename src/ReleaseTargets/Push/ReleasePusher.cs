using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Push;

/// <summary>
/// Pushes a release so that it is whole or absent and never torn: claims the version for this exact content, pushes every
/// artifact through <see cref="ResumableBlobUploader"/> with bounded concurrency (the first failure that would fail every
/// other artifact too stops the push), then creates the manifest, last and only if absent. With a shard, the version is
/// claimed for shards (mode sharded), then the shard itself, and the push ends by recording the shard
/// (<see cref="ShardPublication"/>); Seal writes the manifest. Shard names ignore case (<see cref="ShardName"/>).
/// </summary>
public sealed class ReleasePusher(
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

    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };

    public async Task<PushReport> PushAsync(ArtifactSet artifacts, string version, IReadOnlyDictionary<string, double> stageSeconds, string? sasWindow, CancellationToken cancellationToken = default)
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
        var claimant = new ReleaseClaimant(container, runner, version, shard, timeProvider, log);

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
            Shard = shard,
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
            if (await ReadManifestAsync(manifestClient, runner, control, cancellationToken) is { } published)
            {
                if (shard is null)
                {
                    EnsureSameRelease(published, artifacts, version, manifestClient.Uri);
                }
                else
                {
                    await claimant.EnsureNotPublishedWholeAsync(control, cancellationToken);
                    ShardPublication.EnsureSealedHolds(published, artifacts, version, shard, manifestClient.Uri);
                    await new ShardPublication(container, runner, version, shard, log).EnsureRecordedAsAsync(claim.ContentDigest, control, cancellationToken);
                }

                manifestUrl = manifestClient.Uri;
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = Result(artifacts.Artifacts[i], ArtifactOutcome.Skipped);
                }
            }
            else
            {
                var sharded = shard is null ? null : new ShardPublication(container, runner, version, shard, log);
                ownClaim = await claimant.ClaimAsync(claim, control, cancellationToken);
                var committed = await ListCommittedAsync(artifacts.Prefix, runner, control, cancellationToken);
                // The claim decides whole against sharded; shard records written by releases before the claim had a mode are refused here.
                if (sharded is null && committed.Keys.FirstOrDefault(k => ShardRecord.ShardOf(version, k) is not null) is { } record)
                {
                    stoppedBy = "the release is pushed in shards";
                    throw await UnpublishedAsync(_ => [
                        $"Release '{version}' is being pushed in shards ('{record}' exists), so this push without --shard was refused and sent nothing. " +
                        "A version is published either by one push or in shards sealed by Seal: run Seal for it, or publish under a new --release-version."]);
                }

                stoppedBy = await UploadAllAsync(artifacts, committed, runner, results, cancellationToken);
                if (sharded is not null && results.All(r => r?.Outcome is not (ArtifactOutcome.Failed or null)))
                {
                    var seconds = stageSeconds.ToDictionary(StringComparer.Ordinal);
                    seconds[Stages.ReleaseStages.Push] = Math.Round(progress.Elapsed.TotalSeconds, 3);
                    recordUrl = await sharded.RecordAsync(ShardRecord.For(claim, shard!, timeProvider.GetUtcNow(), seconds), control, cancellationToken);
                }
                else if (results.All(r => r?.Outcome is not (ArtifactOutcome.Failed or null)))
                {
                    var manifest = new ReleaseManifest(version, timeProvider.GetUtcNow(), results.Select(r => new ManifestArtifact(r!.Name, r.Length, r.Md5, r.Url)).ToList(), stageSeconds);
                    await CreateManifestAsync(manifestClient, manifest, artifacts, runner, control, cancellationToken);
                    manifestUrl = manifestClient.Uri;
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

    private static async Task<ReleaseManifest?> ReadManifestAsync(BlobClient manifestClient, RequestRunner runner, StrongBox<int> control, CancellationToken cancellationToken)
    {
        try
        {
            var content = await runner.RunAsync("Reading the release manifest", async ct => (await manifestClient.DownloadContentAsync(ct)).Value.Content, cancellationToken, control);
            return ReleaseManifest.FromJson(content.ToString()) ?? new ReleaseManifest(string.Empty, default, [], new Dictionary<string, double>());
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the manifest only if absent; one already there (a concurrent push of the same content) must list exactly this release.</summary>
    private async Task CreateManifestAsync(BlobClient manifestClient, ReleaseManifest manifest, ArtifactSet artifacts, RequestRunner runner, StrongBox<int> control, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync("Writing the release manifest", ct => manifestClient.UploadAsync(BinaryData.FromString(manifest.ToJson()), new BlobUploadOptions { Conditions = CreateOnly, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct), cancellationToken, control);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists)
        {
            EnsureSameRelease(await ReadManifestAsync(manifestClient, runner, control, cancellationToken), artifacts, manifest.Version, manifestClient.Uri);
        }
    }

    /// <summary>A published release is immutable: the same content is a no-op, different content is refused before a byte is sent.</summary>
    private static void EnsureSameRelease(ReleaseManifest? published, ArtifactSet artifacts, string version, Uri manifestUrl)
    {
        var local = artifacts.Artifacts.Select(a => (a.RelativePath, a.Length, Convert.ToBase64String(a.Md5))).Order().ToList();
        var remote = published?.Artifacts.Select(a => (a.Name, a.Size, a.Md5)).Order().ToList();
        if (remote is null || !local.SequenceEqual(remote))
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' is already published with different artifacts ({manifestUrl}). Published releases are immutable: bump --release-version, or delete that release first.");
        }
    }

    /// <summary>
    /// One listing of the release prefix instead of a request per artifact: the names already committed, so the rest are
    /// created without asking first.
    /// </summary>
    private async Task<Dictionary<string, CommittedBlob>> ListCommittedAsync(string prefix, RequestRunner runner, StrongBox<int> control, CancellationToken cancellationToken) =>
        await runner.RunAsync($"Listing release '{prefix}'", async ct =>
        {
            var found = new Dictionary<string, CommittedBlob>(StringComparer.Ordinal);
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix + "/" }, ct))
            {
                found[item.Name] = new CommittedBlob(item.Properties.ContentLength ?? 0, item.Properties.ContentHash ?? []);
            }

            return found;
        }, cancellationToken, control);

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
