using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Seal;

/// <summary>
/// Reads the shards of a release from the service into a <see cref="ShardSurvey"/>: the shard records under
/// <c>&lt;version&gt;/_shards/</c>, each checked by <see cref="ShardRecordCheck"/> against its shard's claim, and the claims of
/// the shards not yet recorded. Seal reads it once per check while it waits; Verify reads it once to say why a release
/// has no manifest.
/// </summary>
internal sealed class ShardSurveyReader(BlobContainerClient container, RequestRunner runner, PublicationStore store, StrongBox<int> control)
{
    /// <summary>Every shard the service knows of for <paramref name="version"/>: recorded or claimed, canonical names in order.</summary>
    public async Task<IReadOnlyList<string>> KnownShardsAsync(string version, CancellationToken cancellationToken)
    {
        var recorded = await RecordBlobNamesAsync(version, cancellationToken);
        var claimed = await ClaimBlobNamesAsync(version, cancellationToken);
        return recorded.Keys.Union(claimed.Keys).Order(StringComparer.Ordinal).ToList();
    }

    /// <param name="version">The release.</param>
    /// <param name="shards">The expected shards, canonical names.</param>
    /// <param name="records">Records already read (they are create-only); new ones are added.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ReleaseTargetsException">A record of an expected shard cannot be trusted, or two blobs name one shard.</exception>
    public async Task<ShardSurvey> SurveyAsync(string version, IReadOnlyList<string> shards, ConcurrentDictionary<string, ShardRecord> records, CancellationToken cancellationToken)
    {
        var found = await RecordBlobNamesAsync(version, cancellationToken);
        var expected = shards.ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            found.Keys.Where(s => expected.Contains(s) && !records.ContainsKey(s)),
            new ParallelOptions { MaxDegreeOfParallelism = SealConstants.ParallelReads, CancellationToken = cancellationToken },
            async (shard, ct) =>
            {
                var blob = container.GetBlobClient(ShardRecord.BlobNameFor(version, found[shard]));
                // Listed a moment ago: a record gone since reads as unreadable, and the seal is refused.
                var record = (await store.ReadAsync(blob, $"Reading the record of shard '{shard}'", ShardRecord.Codec, ct))?.Value;
                var claim = await ReadClaimAsync(version, found[shard], ct);
                if (ShardRecordCheck.Problem(version, shard, record, claim) is { } problem)
                {
                    throw new ReleaseTargetsException(
                        $"Seal of release '{version}' refused: the record of shard '{shard}' ({blob.Uri}) {problem}; the seal wrote nothing. " +
                        $"A shard's record must list exactly what its push claimed: publish under a new --release-version (and find out who wrote '{ShardRecord.BlobNameFor(version, found[shard])}').");
                }

                records[shard] = record!;
            });

        var claims = new ConcurrentDictionary<string, ReleaseClaim>(StringComparer.Ordinal);
        var missing = shards.Where(s => !records.ContainsKey(s)).ToHashSet(StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            var claimed = await ClaimBlobNamesAsync(version, cancellationToken);
            await Parallel.ForEachAsync(
                claimed.Keys.Where(missing.Contains),
                new ParallelOptions { MaxDegreeOfParallelism = SealConstants.ParallelReads, CancellationToken = cancellationToken },
                async (shard, ct) =>
                {
                    if (await ReadClaimAsync(version, claimed[shard], ct) is { } claim)
                    {
                        claims[shard] = claim;
                    }
                });
        }

        return new ShardSurvey(shards, records, claims, found.Keys.Where(s => !expected.Contains(s)).Order(StringComparer.Ordinal).ToList());
    }

    // Blob names are case-sensitive, shard names are not: records and claims are found by their canonical name.
    private async Task<Dictionary<string, string>> RecordBlobNamesAsync(string version, CancellationToken cancellationToken) =>
        BlobNamesByShard((await StoredBlobs.ListAsync(container, runner, $"Listing the shard records of '{version}'", ShardRecord.PrefixFor(version), control, cancellationToken)).Keys
            .Select(name => ShardRecord.ShardOf(version, name)).OfType<string>(), version, "records");

    private async Task<Dictionary<string, string>> ClaimBlobNamesAsync(string version, CancellationToken cancellationToken) =>
        BlobNamesByShard((await StoredBlobs.ListAsync(container, runner, $"Listing the shard claims of '{version}'", ReleaseClaim.ShardPrefixFor(version), control, cancellationToken)).Keys
            .Select(n => n[ReleaseClaim.ShardPrefixFor(version).Length..]).Where(n => n.EndsWith(".json", StringComparison.Ordinal)).Select(n => n[..^".json".Length]), version, "claims");

    /// <summary>
    /// Canonical shard name → the name its blob has. Two blobs whose names differ only in case (written before shard names
    /// were compared ignoring case) are one shard published twice: no seal can complete it.
    /// </summary>
    private static Dictionary<string, string> BlobNamesByShard(IEnumerable<string> names, string version, string what)
    {
        var byShard = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in names.GroupBy(n => ShardName.Canonical(n), StringComparer.Ordinal))
        {
            if (group.Count() > 1)
            {
                throw new ReleaseTargetsException(
                    $"Seal of release '{version}' refused: the shard {what} {string.Join(" and ", group.Order(StringComparer.Ordinal).Select(n => $"'{n}'"))} differ only in case. Shard names are compared ignoring case, " +
                    "so these are one shard published twice; the seal wrote nothing. Publish under a new --release-version.");
            }

            byShard[group.Key] = group.Single();
        }

        return byShard;
    }

    private async Task<ReleaseClaim?> ReadClaimAsync(string version, string shardBlobName, CancellationToken cancellationToken) =>
        (await store.ReadAsync(container.GetBlobClient(ReleaseClaim.BlobNameFor(version, shardBlobName)), $"Reading the claim of shard '{shardBlobName}'", ReleaseClaim.Codec, cancellationToken))?.Value;
}
