using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// Who may publish a version: the first push to create <c>_releasetargets/claims/&lt;version&gt;.json</c> (a conditional
/// create, If-None-Match: *) claims the version for its exact content. A push of the same content — a re-run, a resume or
/// a concurrent duplicate — proceeds and completes the same release; a push of other content is refused before it sends
/// a byte, so concurrent pushes of one version can never tear a release.
/// </summary>
internal sealed record ReleaseClaim(string Version, string ContentDigest, DateTimeOffset ClaimedAt, string ClaimedBy, IReadOnlyList<ArtifactContent> Artifacts)
{
    /// <summary>Claims live beside the shared history, under the reserved prefix no artifact can reach.</summary>
    public const string Prefix = "_releasetargets/claims/";

    /// <summary>The version's claim of a push without --shard (claims written before modes existed have no mode: whole).</summary>
    public const string WholeMode = "whole";

    /// <summary>The version's claim once any shard claimed it: no push without --shard may publish it.</summary>
    public const string ShardedMode = "sharded";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string BlobNameFor(string version) => $"{Prefix}{version}.json";

    /// <summary>
    /// A shard's claim, <c>_releasetargets/claims/&lt;version&gt;/&lt;shard&gt;.json</c>: one per shard, so shards of one version
    /// never refuse each other, while one shard name is still published with exactly one content.
    /// </summary>
    public static string BlobNameFor(string version, string? shard) => shard is null ? BlobNameFor(version) : $"{ShardPrefixFor(version)}{shard}.json";

    /// <summary>The folder of a version's shard claims (a version holds no '/', so it never meets another version's).</summary>
    public static string ShardPrefixFor(string version) => $"{Prefix}{version}/";

    /// <summary>
    /// Given back by a push that failed before committing any blob: the next push of any content may take it over
    /// (a conditional overwrite, If-Match), so only one of several racing pushes does.
    /// </summary>
    public bool Released { get; init; }

    /// <summary>
    /// How the version is published: <see cref="WholeMode"/> or <see cref="ShardedMode"/>. The version's claim is the one
    /// conditional write a whole push and the shards of a version race for, so exactly one mode wins. Null (a claim
    /// written before modes existed) means whole.
    /// </summary>
    public string? Mode { get; init; }

    [JsonIgnore]
    public bool IsSharded => string.Equals(Mode, ShardedMode, StringComparison.Ordinal);

    /// <summary>The version's claim a shard push creates (or joins) before its own shard's claim: it names no content.</summary>
    public static ReleaseClaim ForShards(string version, DateTimeOffset now, string claimedBy) =>
        new(version, DigestOf([]), now, claimedBy, []) { Mode = ShardedMode };

    /// <summary>The marker a push writes over its own claim to give it back (needs write permission only, not delete).</summary>
    public ReleaseClaim AsReleased(DateTimeOffset now) => this with { Released = true, ClaimedAt = now };

    internal static readonly JsonCodec<ReleaseClaim> Codec = new(c => Utf8Document.Serialize(c, Json), FromJson);

    public static ReleaseClaim For(ArtifactSet artifacts, string version, DateTimeOffset now, string claimedBy)
    {
        var content = ReleaseContent.Of(artifacts);
        return new ReleaseClaim(version, content.Digest, now, claimedBy, content.Artifacts);
    }

    /// <summary>The <see cref="ReleaseContent.Digest"/> of <paramref name="artifacts"/>: equal exactly when the content is.</summary>
    public static string DigestOf(IEnumerable<ArtifactContent> artifacts) => ReleaseContent.Of(artifacts).Digest;

    /// <summary>One line on how <paramref name="push"/> (this push's claim) differs from this claim (the one stored), for the refusal message.</summary>
    public string FirstDifference(ReleaseClaim push)
    {
        var claimed = Artifacts.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var here = push.Artifacts.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var name in claimed.Keys.Union(here.Keys).Order(StringComparer.Ordinal))
        {
            var (c, h) = (claimed.GetValueOrDefault(name), here.GetValueOrDefault(name));
            if (h is null)
            {
                return $"'{name}' is in the claimed release but not in this push";
            }

            if (c is null)
            {
                return $"'{name}' is in this push but not in the claimed release";
            }

            if (c != h)
            {
                return $"'{name}' is {c.Length} bytes with MD5 '{c.Md5}' there, {h.Length} bytes with MD5 '{h.Md5}' here";
            }
        }

        return "the content digests differ";
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReleaseClaim? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ReleaseClaim>(json, Json) is { ContentDigest.Length: > 0, Artifacts: not null } claim ? claim : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
