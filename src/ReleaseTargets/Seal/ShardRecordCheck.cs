using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Seal;

/// <summary>
/// Whether Seal may trust one shard's record. Anyone holding a shard agent's SAS can write a well-formed record, so a
/// record is accepted only when it names this release and the expected shard, lists no path an artifact can never have
/// (<c>_shards/…</c>, the manifest, <c>_releasetargets/…</c>), and lists exactly what that shard's push claimed in
/// <c>_releasetargets/claims/&lt;version&gt;/&lt;shard&gt;.json</c>.
/// </summary>
internal static class ShardRecordCheck
{
    /// <returns>What is wrong with the record, worded to follow "the record of shard 'x' (url)"; null when it can be sealed.</returns>
    public static string? Problem(string version, string shard, ShardRecord? record, ReleaseClaim? claim)
    {
        if (record is null)
        {
            return "is unreadable";
        }

        if (record.Version != version)
        {
            return $"names release '{record.Version}'";
        }

        if (!ShardName.Comparer.Equals(record.Shard, shard))
        {
            return $"names shard '{record.Shard}', not '{shard}'";
        }

        foreach (var artifact in record.Artifacts)
        {
            if (ArtifactNames.Problem(version, artifact.Name) is { } why)
            {
                return $"lists '{artifact.Name}', which no artifact can be ({why})";
            }
        }

        if (ReleaseClaim.DigestOf(record.Artifacts) != record.ContentDigest)
        {
            return $"lists artifacts that do not match its own content digest '{record.ContentDigest}'";
        }

        if (claim is null)
        {
            return $"has no readable claim ('{ReleaseClaim.BlobNameFor(version, shard)}'), so no push of shard '{shard}' is known to have published it";
        }

        if (claim.ContentDigest != record.ContentDigest || ReleaseClaim.DigestOf(claim.Artifacts) != claim.ContentDigest)
        {
            return $"does not list what the push of shard '{shard}' claimed ({FirstDifference(claim.Artifacts, record.Artifacts)})";
        }

        return null;
    }

    private static string FirstDifference(IReadOnlyList<ArtifactContent> claimed, IReadOnlyList<ArtifactContent> recorded)
    {
        var inClaim = claimed.ToDictionary(a => a.Name, StringComparer.Ordinal);
        if (recorded.FirstOrDefault(a => inClaim.GetValueOrDefault(a.Name) != a) is { } extra)
        {
            return inClaim.ContainsKey(extra.Name) ? $"'{extra.Name}' is recorded with other content than claimed" : $"'{extra.Name}' is recorded but not claimed";
        }

        var inRecord = recorded.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        return claimed.FirstOrDefault(a => !inRecord.Contains(a.Name)) is { } left ? $"'{left.Name}' is claimed but not recorded" : "the content digests differ";
    }
}
