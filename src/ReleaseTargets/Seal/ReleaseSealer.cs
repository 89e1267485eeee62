using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
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
        var reader = new ShardSurveyReader(container, runner, store, control);
        var survey = await waiter.WaitAsync(version, ct => reader.SurveyAsync(version, shards, records, ct), cancellationToken);
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
        var manifest = new ReleaseManifest(version, timeProvider.GetUtcNow(), artifacts.Select(a => new ManifestArtifact(a.Name, a.Length, a.Md5, container.GetBlobClient($"{version}/{a.Name}").Uri, a.Sha256)).ToList(), seconds)
        {
            Images = shards.SelectMany(s => survey.Records[s].Images ?? []).ToList() is { Count: > 0 } images ? images : null,
        };
        var manifestClient = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        var written = await store.CreateOrVerifyAsync(manifestClient, "Writing the release manifest", ReleaseManifest.Codec, manifest, published => published?.Content.Equals(manifest.Content) == true, cancellationToken);
        if (written.Verdict == Verdict.Different)
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' is already published with different artifacts ({manifestClient.Uri}); the seal wrote nothing. Published releases are immutable: publish under a new --release-version.");
        }

        return new SealReport(version, shards.Count, artifacts.Count, artifacts.Sum(a => a.Length), manifestClient.Uri, waited, timeProvider.GetElapsedTime(started), written.Verdict == Verdict.Same, control.Value);
    }

    /// <summary>Every recorded artifact, as the service holds it now: one listing of the release for lengths and MD5s.</summary>
    private async Task<List<string>> VerifyAsync(string version, IReadOnlyList<string> shards, ShardSurvey survey, StrongBox<int> control, CancellationToken cancellationToken)
    {
        var stored = await StoredBlobs.ListAsync(container, runner, $"Listing release '{version}'", version + "/", control, cancellationToken);
        var problems = new List<string>();
        foreach (var shard in shards)
        {
            foreach (var artifact in survey.Records[shard].Artifacts)
            {
                switch (StoredBlobs.Difference(artifact, stored.GetValueOrDefault($"{version}/{artifact.Name}")))
                {
                    case null:
                        break;
                    case var missing when !stored.ContainsKey($"{version}/{artifact.Name}"):
                        problems.Add($"'{artifact.Name}' recorded by shard '{shard}' {missing}: re-run the push of shard '{shard}', then Seal again.");
                        break;
                    case var difference:
                        problems.Add($"'{artifact.Name}' recorded by shard '{shard}' {difference}: publish under a new --release-version.");
                        break;
                }
            }
        }

        return problems;
    }

    private ReleaseTargetsException Refused(string version, IReadOnlyList<string> problems, TimeSpan? timedOutAfter)
    {
        var lines = problems.Select(p => "  - " + p);
        var waited = timedOutAfter is { } t ? $" after waiting {Units.Duration(t)} (--seal-timeout)" : string.Empty;
        log.Verbose($"Seal of release '{version}' refused with {problems.Count} problem(s).");
        return new ReleaseTargetsException(
            $"Seal of release '{version}' refused{waited}; no manifest was written, so the release is not visible:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
    }
}
