namespace ReleaseTargets.Registry.Upload;

/// <summary>A manifest as a registry served it: every byte (bounded), and what the registry said of them.</summary>
/// <param name="Content">The bytes as served; their sha256 is the manifest's digest, whatever the headers say.</param>
/// <param name="MediaType">The <c>Content-Type</c>, sanitised, or null.</param>
/// <param name="DigestHeader">The <c>Docker-Content-Digest</c> header, sanitised, or null.</param>
internal sealed record FetchedManifest(byte[] Content, string? MediaType, string? DigestHeader);
