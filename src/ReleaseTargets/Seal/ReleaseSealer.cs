using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Resilience;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Seal;

/// <summary>
/// Seals a sharded release: waits for every expected shard record (<see cref="ShardWaiter"/>), refuses collisions and
/// unexpected shards naming them, verifies every recorded artifact against the service (length and MD5 from one listing),
/// then creates <c>SHA256SUMS</c> (from the records' SHA-256s) and <c>release-manifest.json</c> listing all of them, each only
/// if absent. Nothing is visible until that last write.
/// </summary>
internal sealed class ReleaseSealer(BlobContainerClient container, RequestRunner runner, ShardWaiter waiter, TimeProvider timeProvider, IReleaseLog log)
{
    public async Task<SealReport> SealAsync(string version, IReadOnlyList<string> shards, IReadOnlyDictionary<string, double> stageSeconds, CancellationToken cancellationToken = default)
    {
        shards = shards.Select(s => ShardName.Canonical(s)).ToList();
        var started = timeProvider.GetTimestamp();
        var control = new StrongBox<int>();
        var store = new PublicationStore(runner, control);
        // Records are create-only: each is read once, however many checks the wait takes.
        var records = new ConcurrentDictionary<string, ShardRecord>(StringComparer.Ordinal);
        var survey = await waiter.WaitAsync(version, ct => SurveyAsync(version, shards, records, store, control, ct), cancellationToken);
        var waited = timeProvider.GetElapsedTime(started);
        if (survey.Problems() is { Count: > 0 } problems)
        {
            throw Refused(version, problems, survey.IsComplete || survey.CannotComplete ? null : waited);
        }

        var artifacts = shards.SelectMany(s => survey.Records[s].Artifacts).DistinctBy(a => a.Name, StringComparer.Ordinal).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (await VerifyAsync(version, shards, survey, control, cancellationToken) is { Count: > 0 } differences)
        {
            throw Refused(version, differences, timedOutAfter: null);
        }

        var seconds = new Dictionary<string, double>(stageSeconds, StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            foreach (var (stage, value) in survey.Records[shard].StageSeconds)
            {
                seconds[$"{shard}/{stage}"] = value;
            }
        }

        await Sha256Sums.WriteAsync(container, store, version, artifacts, log, cancellationToken);
        var manifest = new ReleaseManifest(version, timeProvider.GetUtcNow(), artifacts.Select(a => new ManifestArtifact(a.Name, a.Length, a.Md5, container.GetBlobClient($"{version}/{a.Name}").Uri, a.Sha256)).ToList(), seconds);
        var manifestClient = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        var written = await store.CreateOrVerifyAsync(manifestClient, "Writing the release manifest", ReleaseManifest.Codec, manifest, published => published?.Content.Equals(manifest.Content) == true, cancellationToken);
        if (written.Verdict == Verdict.Different)
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' is already published with different artifacts ({manifestClient.Uri}); the seal wrote nothing. Published releases are immutable: publish under a new --release-version.");
        }

        return new SealReport(version, shards.Count, artifacts.Count, artifacts.Sum(a => a.Length), manifestClient.Uri, waited, timeProvider.GetElapsedTime(started), written.Verdict == Verdict.Same, control.Value);
    }

    private async Task<ShardSurvey> SurveyAsync(string version, IReadOnlyList<string> shards, ConcurrentDictionary<string, ShardRecord> records, PublicationStore store, StrongBox<int> control, CancellationToken cancellationToken)
    {
        // Blob names are case-sensitive, shard names are not: records and claims are found by their canonical name.
        var found = BlobNamesByShard((await ListAsync($"Listing the shard records of '{version}'", ShardRecord.PrefixFor(version), control, cancellationToken))
            .Select(b => ShardRecord.ShardOf(version, b.Name)).OfType<string>(), version, "records");
        var expected = shards.ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            found.Keys.Where(s => expected.Contains(s) && !records.ContainsKey(s)),
            new ParallelOptions { MaxDegreeOfParallelism = SealConstants.ParallelReads, CancellationToken = cancellationToken },
            async (shard, ct) =>
            {
                var blob = container.GetBlobClient(ShardRecord.BlobNameFor(version, found[shard]));
                // Listed a moment ago: a record gone since reads as unreadable, and the seal is refused.
                var record = (await store.ReadAsync(blob, $"Reading the record of shard '{shard}'", ShardRecord.Codec, ct))?.Value;
                var claim = await ReadClaimAsync(store, version, found[shard], ct);
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
            var claimed = BlobNamesByShard((await ListAsync($"Listing the shard claims of '{version}'", ReleaseClaim.ShardPrefixFor(version), control, cancellationToken))
                .Select(b => b.Name[ReleaseClaim.ShardPrefixFor(version).Length..]).Where(n => n.EndsWith(".json", StringComparison.Ordinal)).Select(n => n[..^".json".Length]), version, "claims");
            await Parallel.ForEachAsync(
                claimed.Keys.Where(missing.Contains),
                new ParallelOptions { MaxDegreeOfParallelism = SealConstants.ParallelReads, CancellationToken = cancellationToken },
                async (shard, ct) =>
                {
                    if (await ReadClaimAsync(store, version, claimed[shard], ct) is { } claim)
                    {
                        claims[shard] = claim;
                    }
                });
        }

        return new ShardSurvey(shards, records, claims, found.Keys.Where(s => !expected.Contains(s)).Order(StringComparer.Ordinal).ToList());
    }

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

    private async Task<ReleaseClaim?> ReadClaimAsync(PublicationStore store, string version, string shardBlobName, CancellationToken cancellationToken) =>
        (await store.ReadAsync(container.GetBlobClient(ReleaseClaim.BlobNameFor(version, shardBlobName)), $"Reading the claim of shard '{shardBlobName}'", ReleaseClaim.Codec, cancellationToken))?.Value;

    /// <summary>Every recorded artifact, as the service holds it now: one listing of the release for lengths and MD5s.</summary>
    private async Task<List<string>> VerifyAsync(string version, IReadOnlyList<string> shards, ShardSurvey survey, StrongBox<int> control, CancellationToken cancellationToken)
    {
        var stored = (await ListAsync($"Listing release '{version}'", version + "/", control, cancellationToken)).ToDictionary(b => b.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var shard in shards)
        {
            foreach (var artifact in survey.Records[shard].Artifacts)
            {
                var blob = stored.GetValueOrDefault($"{version}/{artifact.Name}");
                var md5 = blob?.Properties.ContentHash is { Length: > 0 } hash ? Convert.ToBase64String(hash) : null;
                if (blob is null)
                {
                    problems.Add($"'{artifact.Name}' recorded by shard '{shard}' is not in storage: re-run the push of shard '{shard}', then Seal again.");
                }
                else if (blob.Properties.ContentLength != artifact.Length || md5 != artifact.Md5)
                {
                    problems.Add($"'{artifact.Name}' recorded by shard '{shard}' as {artifact.Length} bytes with MD5 '{artifact.Md5}' is {blob.Properties.ContentLength} bytes with MD5 '{md5}' in storage: publish under a new --release-version.");
                }
            }
        }

        return problems;
    }

    private async Task<List<BlobItem>> ListAsync(string step, string prefix, StrongBox<int> control, CancellationToken cancellationToken) =>
        await runner.RunAsync(step, async ct =>
        {
            var items = new List<BlobItem>();
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
            {
                items.Add(item);
            }

            return items;
        }, cancellationToken, control);

    private ReleaseTargetsException Refused(string version, IReadOnlyList<string> problems, TimeSpan? timedOutAfter)
    {
        var lines = problems.Select(p => "  - " + p);
        var waited = timedOutAfter is { } t ? $" after waiting {Units.Duration(t)} (--seal-timeout)" : string.Empty;
        log.Verbose($"Seal of release '{version}' refused with {problems.Count} problem(s).");
        return new ReleaseTargetsException(
            $"Seal of release '{version}' refused{waited}; no manifest was written, so the release is not visible:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}
