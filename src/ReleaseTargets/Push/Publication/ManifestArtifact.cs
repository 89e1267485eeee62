using System.Text.Json.Serialization;

namespace ReleaseTargets.Push.Publication;

/// <summary>One artifact as the manifest records it. The URL never carries a SAS.</summary>
internal sealed record ManifestArtifact(string Name, long Size, string Md5, Uri Url)
{
    /// <summary>What the manifest says this artifact holds, compared like every other publication's artifacts.</summary>
    [JsonIgnore]
    public ArtifactContent Content => new(Name, Size, Md5);
}
