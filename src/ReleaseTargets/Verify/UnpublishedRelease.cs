using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Resilience;
using ReleaseTargets.Seal;

namespace ReleaseTargets.Verify;

/// <summary>
/// Says why a version has no manifest, from what the pushes left: the version's claim (whole or sharded, held or given
/// back) and, for a sharded release, the shards recorded and claimed as Seal's own <see cref="ShardSurveyReader"/> reads
/// them. The claims do not record which shards Seal will expect, so the shards named are the ones the service knows of.
/// </summary>
internal sealed class UnpublishedRelease(BlobContainerClient container, RequestRunner runner, PublicationStore store, StrongBox<int> control)
{
    public async Task<(VerifyStatus Status, IReadOnlyList<VerifyFinding> Findings)> DescribeAsync(string version, CancellationToken cancellationToken)
    {
        var claimBlob = container.GetBlobClient(ReleaseClaim.BlobNameFor(version));
        var claim = (await store.ReadAsync(claimBlob, $"Reading the claim of release '{version}'", ReleaseClaim.Codec, cancellationToken))?.Value;
        var reader = new ShardSurveyReader(container, runner, store, control);
        var shards = await reader.KnownShardsAsync(version, cancellationToken);
        if (shards.Count == 0 && claim?.IsSharded != true)
        {
            var why = claim switch
            {
                null => "has no manifest and no push claimed it: nothing was published under this version in this container",
                { Released: true } => $"has no manifest: a push claimed it at {claim.ClaimedAt:u} and gave the claim back (it failed before committing anything)",
                _ => $"has no manifest: it was claimed at {claim.ClaimedAt:u} by {claim.ClaimedBy} (still pushing, or it failed or was killed)",
            };
            return (VerifyStatus.NotPublished, [new VerifyFinding($"'{ReleaseManifest.FileName}'", why)]);
        }

        var findings = new List<VerifyFinding>();
        ShardSurvey? survey = null;
        try
        {
            survey = await reader.SurveyAsync(version, shards, new ConcurrentDictionary<string, ShardRecord>(StringComparer.Ordinal), cancellationToken);
        }
        catch (ReleaseTargetsException untrusted)
        {
            // A record Seal would refuse: Verify reports it with the seal's own words.
            findings.Add(new VerifyFinding($"'{ShardRecord.PrefixFor(version)}'", untrusted.Message));
        }

        var recorded = survey is null ? [] : shards.Where(s => survey.Records.ContainsKey(s)).ToList();
        var missing = survey?.Missing ?? [];
        findings.Insert(0, new VerifyFinding(
            $"'{ReleaseManifest.FileName}'",
            $"is not written: release '{version}' is pushed in shards and not sealed; shards recorded: {List(recorded)}; shards claimed but not recorded: {List(missing)} " +
            $"(the service knows of {List(shards)}; the seal's --shards may expect more)"));
        findings.AddRange(missing.Select(s => new VerifyFinding($"shard '{s}'", $"is not recorded: {Reason(survey!, s)}; re-run the push of shard '{s}' (it resumes)")));
        findings.AddRange(survey?.Collisions().Select(c => new VerifyFinding($"'{ShardRecord.PrefixFor(version)}'", c)) ?? []);
        return (VerifyStatus.Unsealed, findings);
    }

    /// <summary>The survey's reason without its leading shard name ("'b' has not started" → "has not started").</summary>
    private static string Reason(ShardSurvey survey, string shard) =>
        survey.DescribeMissing(shard) is var reason && reason.StartsWith($"'{shard}' ", StringComparison.Ordinal) ? reason[(shard.Length + 3)..] : reason;

    private static string List(IEnumerable<string> shards) => shards.Any() ? string.Join(", ", shards.Select(s => $"'{s}'")) : "none";
}
