using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Stages;

/// <summary>
/// The stage history shared through the storage account, so ephemeral CI agents forecast from every agent's runs.
/// Writes use optimistic concurrency (ETags): on a conflict the newer copy is read, merged and written again.
/// Like the local file, a shared history that cannot be read or written is reported once and never fails a release.
/// </summary>
public sealed class BlobStageHistoryStore(BlobClient blob, int keep, IReleaseLog log, TimeProvider timeProvider)
{
    /// <summary>Blob name in the release container; the leading underscore keeps it apart from release versions.</summary>
    public const string BlobName = "_releasetargets/stage-history.json";

    private const int MaxWriteAttempts = 10;

    /// <summary>The shared history, or null when there is none yet or it is unusable (then a warning says why).</summary>
    public async Task<StageHistory?> LoadAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken)).History;

    /// <summary>Merges <paramref name="local"/> into the shared copy and writes it back, retrying on concurrent writers.</summary>
    /// <returns>True when the shared history now holds the local records.</returns>
    public async Task<bool> SaveAsync(StageHistory local, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var (remote, etag, readable) = await ReadAsync(cancellationToken);
            if (!readable)
            {
                return false;
            }

            var merged = new StageHistory(keep);
            merged.Merge(local);
            if (remote is not null)
            {
                merged.Merge(remote);
            }

            // No ETag: the blob did not exist, so only create it if nobody else did meanwhile.
            var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await blob.UploadAsync(BinaryData.FromString(merged.ToJson()), new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, cancellationToken);
                return true;
            }
            catch (RequestFailedException exception) when (exception.Status is 412 or 409)
            {
                log.Verbose($"Shared stage history changed while this run wrote it ({exception.ErrorCode}); merging again (attempt {attempt} of {MaxWriteAttempts}).");
                // Jittered backoff so agents that collided do not collide again in lockstep.
                var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 25 * (1 << attempt) * (0.5 + Random.Shared.NextDouble())));
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
            catch (RequestFailedException exception)
            {
                log.Warning($"Could not write the shared stage history '{blob.Uri}' ({exception.Status} {exception.ErrorCode}); the next agent's forecast will not include this run.");
                return false;
            }
        }

        log.Warning($"Gave up writing the shared stage history '{blob.Uri}' after {MaxWriteAttempts} concurrent changes; the next agent's forecast may not include this run.");
        return false;
    }

    private async Task<(StageHistory? History, ETag? ETag, bool Readable)> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value;
            try
            {
                return (StageHistory.FromJson(content.Content.ToString(), keep), content.Details.ETag, true);
            }
            catch (ReleaseTargetsException exception)
            {
                // A corrupt shared history is replaced by the next successful write, not repaired.
                log.Warning($"Shared stage history '{blob.Uri}' is unreadable and is ignored: {exception.Message}");
                return (null, content.Details.ETag, true);
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return (null, null, true);
        }
        catch (RequestFailedException exception)
        {
            log.Warning($"Could not read the shared stage history '{blob.Uri}' ({exception.Status} {exception.ErrorCode}); forecasting from local history only.");
            return (null, null, false);
        }
    }
}
