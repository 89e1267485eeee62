namespace ReleaseTargets.Registry.Layout;

/// <summary>An image (or OCI artifact) and the repository it goes to.</summary>
public sealed record RegistryImage(OciImage Image, string Repository);
