using System.Text.Json.Serialization;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// One artifact as the manifest records it. The URL never carries a SAS. <paramref name="Sha256"/> (lowercase hex, as
/// <c>sha256sum</c> prints it) is absent in manifests written before issue 22; it is not part of <see cref="Content"/>, so
/// old and new manifests of the same files are the same release.
/// </summary>
internal sealed record ManifestArtifact(string Name, long Size, string Md5, Uri Url, string? Sha256 = null)
{
    /// <summary>What the manifest says this artifact holds, compared like every other publication's artifacts.</summary>
    [JsonIgnore]
    public ArtifactContent Content => new(Name, Size, Md5, Sha256);
}
