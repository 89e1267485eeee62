using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// One artifact's content as every publication document records it: its path in the release, its length and its MD5
/// (base64). Claims, shard records and the manifest all compare artifacts as this value, by record equality.
/// <paramref name="Sha256"/> (lowercase hex; issue 22) rides along for <c>SHA256SUMS</c> and the manifest but is not part
/// of the identity: claims and records written before it compare equal to a push of the same files, with the same digest.
/// </summary>
/// <remarks>Serialized as <c>{"name","length","md5","sha256"}</c> in claims and shard records, <c>sha256</c> only when known (the manifest keeps its own shape).</remarks>
internal sealed record ArtifactContent(string Name, long Length, string Md5, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null)
{
    public static ArtifactContent Of(Artifact artifact) =>
        new(artifact.RelativePath, artifact.Length, Convert.ToBase64String(artifact.Md5), artifact.Sha256 is { Length: > 0 } sha256 ? Convert.ToHexStringLower(sha256) : null);

    public bool Equals(ArtifactContent? other) =>
        other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal) && Length == other.Length && string.Equals(Md5, other.Md5, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Name), Length, StringComparer.Ordinal.GetHashCode(Md5));
}

/// <summary>
/// The content of a release: its artifacts in ordinal name order. Two contents are the same exactly when their
/// <see cref="Digest"/>s are — the one comparison of claims, shard records, manifests and a push's artifacts.
/// </summary>
internal sealed class ReleaseContent : IEquatable<ReleaseContent>
{
    private ReleaseContent(IEnumerable<ArtifactContent> artifacts)
    {
        Artifacts = artifacts.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        Digest = DigestOf(Artifacts);
    }

    public IReadOnlyList<ArtifactContent> Artifacts { get; }

    /// <summary>SHA-256 over every artifact's name, length and MD5, in name order: equal exactly when the content is.</summary>
    public string Digest { get; }

    public static ReleaseContent Of(IEnumerable<ArtifactContent> artifacts) => new(artifacts);

    public static ReleaseContent Of(ArtifactSet artifacts) => new(artifacts.Artifacts.Select(ArtifactContent.Of));

    public static ReleaseContent Of(IEnumerable<ManifestArtifact> artifacts) => new(artifacts.Select(a => a.Content));

    public bool Equals(ReleaseContent? other) => other is not null && Digest == other.Digest;

    public override bool Equals(object? obj) => Equals(obj as ReleaseContent);

    public override int GetHashCode() => Digest.GetHashCode(StringComparison.Ordinal);

    /// <summary>
    /// Hashed line by line, each line whole (it ends in '\n', so its UTF-8 is that of the same text hashed at once): for
    /// 16,000 artifacts the text is ~1.4 M characters, and built whole it was held three times (builder, string, UTF-8).
    /// </summary>
    private static string DigestOf(IEnumerable<ArtifactContent> ordered)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        foreach (var a in ordered)
        {
            line.Clear().Append(a.Name).Append('\n').Append(a.Length).Append('\n').Append(a.Md5).Append('\n');
            sha256.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }

        return Convert.ToHexString(sha256.GetHashAndReset());
    }
}
