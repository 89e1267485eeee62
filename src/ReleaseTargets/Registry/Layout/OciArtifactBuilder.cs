using System.Text.Json.Nodes;

namespace ReleaseTargets.Registry.Layout;

/// <summary>
/// Plain files as one OCI artifact, the way <c>oras push</c> writes them: an image manifest with an
/// <c>artifactType</c>, the empty config (<c>{}</c>, <see cref="OciMediaTypes.Empty"/>) and one layer per file, titled
/// with its path relative to the artifacts folder.
/// </summary>
internal static class OciArtifactBuilder
{
    private static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <param name="name">What the report calls the artifact.</param>
    /// <param name="root">The folder the titles are relative to.</param>
    /// <param name="files">The files, in the order of their layers.</param>
    /// <param name="artifactType">The manifest's artifactType. Default: <see cref="OciMediaTypes.ReleaseArtifact"/>.</param>
    public static async Task<OciImage> BuildAsync(string name, string root, IReadOnlyList<string> files, string artifactType = OciMediaTypes.ReleaseArtifact, CancellationToken cancellationToken = default)
    {
        var config = new OciBlob(OciDigest.Of(EmptyConfig), EmptyConfig.Length, Path: null, EmptyConfig);
        var blobs = new List<OciBlob> { config };
        var layers = new JsonArray();
        foreach (var file in files)
        {
            var length = new FileInfo(file).Length;
            var digest = await OciDigest.OfFileAsync(file, cancellationToken);
            if (blobs.All(b => b.Digest != digest))
            {
                blobs.Add(new OciBlob(digest, length, file));
            }

            layers.Add(new JsonObject
            {
                ["mediaType"] = OciMediaTypes.FileLayer,
                ["digest"] = digest,
                ["size"] = length,
                ["annotations"] = new JsonObject { [OciMediaTypes.TitleAnnotation] = Path.GetRelativePath(root, file).Replace('\\', '/') },
            });
        }

        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageManifest,
            ["artifactType"] = artifactType,
            ["config"] = new JsonObject { ["mediaType"] = OciMediaTypes.Empty, ["digest"] = config.Digest, ["size"] = config.Length, ["data"] = Convert.ToBase64String(EmptyConfig) },
            ["layers"] = layers,
        };
        var content = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return new OciImage(name, root, blobs, [new OciManifest(OciDigest.Of(content), OciMediaTypes.ImageManifest, content)]);
    }
}
