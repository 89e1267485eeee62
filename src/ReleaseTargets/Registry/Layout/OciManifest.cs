namespace ReleaseTargets.Registry.Layout;

/// <summary>One manifest (image manifest or index) exactly as it will be sent: bytes, their digest, the media type.</summary>
internal sealed record OciManifest(string Digest, string MediaType, byte[] Content);
