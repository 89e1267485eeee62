using Azure.Storage.Blobs;
using ReleaseTargets.Resilience;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Stages;

/// <summary>
/// The stage history shared through the storage account, so ephemeral CI agents forecast from every agent's runs.
/// Read and written through the <see cref="PublicationStore"/> (the run's one <see cref="RequestRunner"/>: its
/// retries, its classifier). Writes use optimistic concurrency (ETags): on a conflict the newer copy is read, merged and
/// written again — a merge, not a retry of a fault, so it has its own small bound and no backoff of its own (each
/// conflict means another agent's write succeeded). History never fails a release: whatever goes wrong is one warning.
/// </summary>
internal sealed class BlobStageHistoryStore(BlobClient blob, int keep, RequestRunner runner, IReleaseLog log)
{
    /// <summary>Blob name in the release container; the leading underscore keeps it apart from release versions.</summary>
    public const string BlobName = "_releasetargets/stage-history.json";

    private const int MaxMerges = 10;
    private const string Step = "Shared stage history";

    private readonly PublicationStore _store = new(runner);

    /// <summary>The shared history, or null when there is none yet or it is unusable (then a warning says why).</summary>
    public async Task<StageHistory?> LoadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await _store.ReadAsync(blob, Step, Codec, cancellationToken))?.Value;
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
        var merges = 0;
        try
        {
            await _store.SettleAsync(blob, Step, Codec, readFirst: true, remote =>
            {
                if (merges++ > 0)
                {
                    log.Verbose($"Shared stage history changed while this run wrote it; merging again ({merges - 1} of {MaxMerges}).");
                }

                var merged = new StageHistory(keep);
                merged.Merge(local);
                if (remote?.Value is { } shared)
                {
                    merged.Merge(shared);
                }

                return merged;
            }, cancellationToken, MaxMerges);
            return true;
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists && !cancellationToken.IsCancellationRequested)
        {
            log.Warning($"Gave up writing the shared stage history '{blob.Uri}' after {MaxMerges} concurrent changes; the next agent's forecast may not include this run.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            log.Warning($"Could not write the shared stage history '{blob.Uri}' ({Describe(exception)}); the next agent's forecast will not include this run.");
        }

        return false;
    }

    private JsonCodec<StageHistory> Codec => new(history => BinaryData.FromString(history.ToJson()), Read);

    private static string Describe(Exception exception) =>
        exception is RequestFailureException request ? StorageFaultClassifier.Describe(request.Fault) : StorageFaultClassifier.Describe(exception);

    private StageHistory? Read(string json)
    {
        try
        {
            return StageHistory.FromJson(json, keep);
        }
        catch (ReleaseTargetsException exception)
        {
            // A corrupt shared history is replaced by the next successful write, not repaired.
            log.Warning($"Shared stage history '{blob.Uri}' is unreadable and is ignored: {exception.Message}");
            return null;
        }
    }
}
