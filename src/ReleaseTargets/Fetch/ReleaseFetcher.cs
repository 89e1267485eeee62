using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Fetch;

/// <summary>
/// Downloads a published release into a folder (issue 22): the manifest's names only, each checked before anything is
/// written; ranged GETs in parallel through the one retry pipeline (the SAS renewed in place, nothing restarts); every range
/// written to a partial file beside its target so a re-run fetches only what is missing; every file's MD5 and SHA-256
/// checked against the manifest before it is moved into place. A file appears in the folder whole and verified, or not at all.
/// </summary>
/// <param name="container">The release container, authorised by <paramref name="credential"/>'s SAS (read is enough).</param>
/// <param name="concurrency">GETs in flight at once, across and within files.</param>
internal sealed class ReleaseFetcher(BlobContainerClient container, IPushCredential credential, PushRetryOptions retry, int concurrency, TimeProvider time, IReleaseLog log)
{
    /// <param name="globs">The <c>--artifacts</c> globs over manifest names ('!' excludes); <see cref="FetchConstants.AllArtifacts"/> when empty.</param>
    public async Task<FetchReport> FetchAsync(ReleaseManifest manifest, string destination, string globs, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var started = time.GetTimestamp();
        var selected = FetchSelection.Select(manifest, string.IsNullOrWhiteSpace(globs) ? FetchConstants.AllArtifacts : globs);
        var folder = FetchDestination.Prepare(destination, selected.Select(a => a.Name));
        await using var progress = new PushProgress(selected.Sum(a => a.Size), time, log, TimeSpan.Zero);
        var runner = new RequestRunner(retry, time, credential, container.Name, log, progress);
        using var requests = new SemaphoreSlim(concurrency, concurrency);
        using var largeFiles = new SemaphoreSlim(FetchConstants.ParallelLargeFiles, FetchConstants.ParallelLargeFiles);
        var counters = new FetchCounters();
        var reader = new RangedBlobReader(runner, requests, concurrency, counters);
        var renewals = credential.Renewals;
        var files = new FetchedFile[selected.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, selected.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var artifact = selected[i];
                var large = artifact.Size > FetchConstants.RangeSize;
                if (large)
                {
                    // Out-of-order ranges of a big file wait in memory for the in-order hash: a few big files at a time bound that.
                    await largeFiles.WaitAsync(ct);
                }

                try
                {
                    files[i] = await FetchFileAsync(reader, folder, manifest.Version, artifact, progress, ct);
                }
                finally
                {
                    if (large)
                    {
                        largeFiles.Release();
                    }
                }
            });

        return new FetchReport(manifest.Version, folder.Root, files, selected.Sum(a => a.Size), counters.BytesDownloaded, counters.RangesRequested, credential.Renewals - renewals, time.GetElapsedTime(started));
    }

    private async Task<FetchedFile> FetchFileAsync(RangedBlobReader reader, FetchDestination folder, string version, ManifestArtifact artifact, PushProgress progress, CancellationToken cancellationToken)
    {
        var path = folder.PathOf(artifact.Name);
        var sha256Checked = artifact.Sha256 is not null;
        FetchedFile Failed(string reason, int resumed = 0) => new(artifact.Name, artifact.Size, FetchOutcome.Failed, ServerText.Sanitize(reason, ServerText.MaxMessageLength), sha256Checked, resumed);

        folder.CreateFoldersOf(artifact.Name, path);
        if (Directory.Exists(path))
        {
            return Failed("a folder of that name is in the destination; move it away and re-run Fetch");
        }

        if (File.Exists(path) && new FileInfo(path).Length == artifact.Size
            && (await ContentHashes.OfFileAsync(path, cancellationToken)).Mismatch(artifact.Md5, artifact.Sha256) is null)
        {
            progress.AddReused(artifact.Size);
            File.Delete(path + FetchConstants.StateSuffix);
            File.Delete(path + FetchConstants.PartialSuffix);
            return new FetchedFile(artifact.Name, artifact.Size, FetchOutcome.AlreadyPresent, null, sha256Checked, 0);
        }

        var blob = container.GetBlobClient($"{version}/{artifact.Name}");
        var partial = PartialFile.Open(path, artifact.Size);
        var resumed = partial.ResumedRanges;
        try
        {
            ContentHashes hashes;
            try
            {
                progress.AddReused(Math.Min((long)resumed * FetchConstants.RangeSize, artifact.Size));
                hashes = await reader.ReadAsync(blob, artifact.Name, artifact.Size, partial, cancellationToken);
            }
            catch (BlobChangedException) when (partial.ETag is not null && resumed > 0)
            {
                // The partial came from a blob that has since been replaced: its ranges are worthless; start over once.
                log.Warning($"'{FetchSelection.Shown(artifact.Name)}' changed since its partial was written: fetching it again from the start.");
                partial.Discard();
                partial = PartialFile.Open(path, artifact.Size);
                resumed = 0;
                hashes = await reader.ReadAsync(blob, artifact.Name, artifact.Size, partial, cancellationToken);
            }

            if (hashes.Mismatch(artifact.Md5, artifact.Sha256) is { } mismatch)
            {
                partial.Discard();
                return Failed($"its content does not match the manifest ({mismatch}): the blob differs from what was published; nothing of it was kept", resumed);
            }

            partial.MoveTo(path);
            log.Verbose($"Fetched '{FetchSelection.Shown(artifact.Name)}' ({Units.Bytes(artifact.Size)}{(resumed > 0 ? $", {resumed} range(s) resumed" : string.Empty)}), MD5{(sha256Checked ? " and SHA-256" : string.Empty)} verified.");
            return new FetchedFile(artifact.Name, artifact.Size, FetchOutcome.Fetched, null, sha256Checked, resumed);
        }
        catch (RequestFailureException failure) when (failure.Kind is FaultKind.NotFound or FaultKind.Transient or FaultKind.ContentCorrupted or FaultKind.Unresponsive)
        {
            // The partial stays: a re-run resumes from what was written. A dead credential or endpoint stops the whole fetch.
            partial.Dispose();
            return Failed(failure.Message, resumed);
        }
        catch (ReleaseTargetsException refused) when (refused is not RequestFailureException)
        {
            partial.Discard();
            return Failed(refused.Message, resumed);
        }
        finally
        {
            partial.Dispose();
        }
    }
}
