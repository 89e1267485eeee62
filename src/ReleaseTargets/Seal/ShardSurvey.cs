using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Seal;

/// <summary>
/// One look at the shards of a release: the records of the expected shards, the claims of those not yet recorded (to say
/// why, and to spot a collision before its shard could ever finish) and any record of a shard nobody expected.
/// </summary>
internal sealed class ShardSurvey(
    IReadOnlyList<string> expected,
    IReadOnlyDictionary<string, ShardRecord> records,
    IReadOnlyDictionary<string, ReleaseClaim> claims,
    IReadOnlyList<string> unexpected)
{
    public IReadOnlyList<string> Expected { get; } = expected;

    public IReadOnlyDictionary<string, ShardRecord> Records { get; } = records;

    public IReadOnlyList<string> Missing { get; } = expected.Where(s => !records.ContainsKey(s)).ToList();

    /// <summary>Records of shards that are not among the expected ones: their blobs would be under the version but not in the manifest.</summary>
    public IReadOnlyList<string> Unexpected { get; } = unexpected;

    public bool IsComplete => Missing.Count == 0;

    /// <summary>Problems no amount of waiting fixes (a collision, an unexpected shard): the seal fails at once.</summary>
    public bool CannotComplete => Collisions().Count > 0 || Unexpected.Count > 0;

    /// <summary>
    /// Every file name two shards publish with different content, naming both. Recorded shards count with what they
    /// recorded; shards not yet recorded with what they claimed, even a claim given back: a shard whose upload was refused
    /// because another shard's file already had that name gives its claim back and never records.
    /// </summary>
    public IReadOnlyList<string> Collisions()
    {
        var firstSeen = new Dictionary<string, (string Shard, ArtifactContent Artifact)>(StringComparer.Ordinal);
        var collisions = new List<string>();
        foreach (var shard in Expected)
        {
            var artifacts = Records.TryGetValue(shard, out var record) ? record.Artifacts : claims.GetValueOrDefault(shard)?.Artifacts ?? [];
            foreach (var artifact in artifacts)
            {
                if (!firstSeen.TryGetValue(artifact.Name, out var first))
                {
                    firstSeen[artifact.Name] = (shard, artifact);
                }
                else if (first.Artifact != artifact)
                {
                    collisions.Add(
                        $"shards '{first.Shard}' and '{shard}' both publish '{artifact.Name}' with different content ('{first.Shard}': {first.Artifact.Length} bytes, MD5 '{first.Artifact.Md5}'; " +
                        $"'{shard}': {artifact.Length} bytes, MD5 '{artifact.Md5}'): a file name belongs to one shard — rename one of them, or publish it from one shard only.");
                }
            }
        }

        return collisions;
    }

    /// <summary>Why one expected shard has no record yet, from its claim.</summary>
    public string DescribeMissing(string shard) => claims.GetValueOrDefault(shard) switch
    {
        null => $"'{shard}' has not started (no claim)",
        { Released: true } c => $"'{shard}' failed before committing anything (gave its claim back at {c.ClaimedAt:u})",
        { } c => $"'{shard}' was claimed at {c.ClaimedAt:u} by {c.ClaimedBy} but is not recorded (still pushing, or it failed or was killed)",
    };

    /// <summary>Everything that keeps the seal from completing, one line each.</summary>
    public IReadOnlyList<string> Problems() =>
    [
        .. Collisions(),
        .. Unexpected.Select(s => $"shard '{s}' is recorded for this version but is not one of the shards to seal ({string.Join(", ", Expected)}): add it to --shards (or --shard-count), or publish under a new --release-version."),
        .. Missing.Select(s => $"shard {DescribeMissing(s)}: re-run the push of shard '{s}' (it resumes), then Seal again."),
    ];

    public string Progress => $"{Expected.Count - Missing.Count} of {Expected.Count} shards recorded; waiting for {string.Join("; ", Missing.Take(5).Select(DescribeMissing))}{(Missing.Count > 5 ? $" and {Missing.Count - 5} more" : "")}";
}
