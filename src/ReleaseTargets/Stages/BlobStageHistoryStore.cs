using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Stages;

/// <summary>
/// The stage history shared through the storage account, so ephemeral CI agents forecast from every agent's runs.
/// Requests go through the run's one <see cref="RequestRunner"/> (its retries, its classifier). Writes use
/// optimistic concurrency (ETags): on a conflict the newer copy is read, merged and written again — a merge, not a retry
/// of a fault, so it has its own small bound. History never fails a release: whatever goes wrong is one warning.
/// </summary>
public sealed class BlobStageHistoryStore(BlobClient blob, int keep, RequestRunner runner, IReleaseLog log, TimeProvider timeProvider)
{
    /// <summary>Blob name in the release container; the leading underscore keeps it apart from release versions.</summary>
    public const string BlobName = "_releasetargets/stage-history.json";

    private const int MaxMerges = 10;
    private const string Step = "Shared stage history";

    /// <summary>The shared history, or null when there is none yet or it is unusable (then a warning says why).</summary>
    public async Task<StageHistory?> LoadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await ReadAsync(cancellationToken)).History;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            log.Warning($"Could not read the shared stage history '{blob.Uri}' ({Describe(exception)}); forecasting from local history only.");
            return null;
        }
    }

    /// <summary>Merges <paramref name="local"/> into the shared copy and writes it back, merging again after concurrent writers.</summary>
    /// <returns>True when the shared history now holds the local records; false (after one warning) otherwise — never throws.</returns>
    public async Task<bool> SaveAsync(StageHistory local, CancellationToken cancellationToken = default)
    {
        try
        {
            for (var merge = 1; merge <= MaxMerges; merge++)
            {
                var (remote, etag) = await ReadAsync(cancellationToken);
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
                    await runner.RunAsync(Step, ct => blob.UploadAsync(BinaryData.FromString(merged.ToJson()), new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct), cancellationToken);
                    return true;
                }
                catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists)
                {
                    log.Verbose($"Shared stage history changed while this run wrote it; merging again ({merge} of {MaxMerges}).");
                    // Jittered pause so agents that collided do not collide again in lockstep.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 25 * (1 << merge) * (0.5 + Random.Shared.NextDouble()))), timeProvider, cancellationToken);
                }
            }

            log.Warning($"Gave up writing the shared stage history '{blob.Uri}' after {MaxMerges} concurrent changes; the next agent's forecast may not include this run.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            log.Warning($"Could not write the shared stage history '{blob.Uri}' ({Describe(exception)}); the next agent's forecast will not include this run.");
        }

        return false;
    }

    private static string Describe(Exception exception) =>
        exception is RequestFailureException request ? StorageFaultClassifier.Describe(request.Fault) : StorageFaultClassifier.Describe(exception);

    private async Task<(StageHistory? History, ETag? ETag)> ReadAsync(CancellationToken cancellationToken)
    {
        BlobDownloadResult content;
        try
        {
            content = await runner.RunAsync(Step, async ct => (await blob.DownloadContentAsync(ct)).Value, cancellationToken);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.NotFound)
        {
            return (null, null);
        }

        try
        {
            return (StageHistory.FromJson(content.Content.ToString(), keep), content.Details.ETag);
        }
        catch (ReleaseTargetsException exception)
        {
            // A corrupt shared history is replaced by the next successful write, not repaired.
            log.Warning($"Shared stage history '{blob.Uri}' is unreadable and is ignored: {exception.Message}");
            return (null, content.Details.ETag);
        }
    }
}
