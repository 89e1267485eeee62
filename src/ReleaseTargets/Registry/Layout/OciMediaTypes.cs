namespace ReleaseTargets.Registry.Layout;

/// <summary>The media types the registry push reads and writes (OCI image spec 1.1, Docker schema 2).</summary>
internal static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>The empty config of an artifact, as <c>oras push</c> writes it: the two bytes <c>{}</c>.</summary>
    public const string Empty = "application/vnd.oci.empty.v1+json";

    /// <summary>What <c>oras push</c> labels a plain file layer with by default.</summary>
    public const string FileLayer = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>The artifactType of a release pushed as an OCI artifact.</summary>
    public const string ReleaseArtifact = "application/vnd.releasetargets.release.v1";

    /// <summary>The file name of a layer, as <c>oras push</c> records it.</summary>
    public const string TitleAnnotation = "org.opencontainers.image.title";

    /// <summary>Manifests that list other manifests (their children are pushed first).</summary>
    public static bool IsIndex(string mediaType) => mediaType is ImageIndex or DockerManifestList;

    /// <summary>Manifests the push understands.</summary>
    public static bool IsManifest(string mediaType) => mediaType is ImageManifest or DockerManifest || IsIndex(mediaType);
}
