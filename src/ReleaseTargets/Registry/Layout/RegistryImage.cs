namespace ReleaseTargets.Registry.Layout;

/// <summary>An image (or OCI artifact) and the repository it goes to.</summary>
internal sealed record RegistryImage(OciImage Image, string Repository);
