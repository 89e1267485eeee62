namespace ReleaseTargets.Push;

/// <summary>One artifact as the manifest records it. The URL never carries a SAS.</summary>
public sealed record ManifestArtifact(string Name, long Size, string Md5, Uri Url);
