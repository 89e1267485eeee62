using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReleaseTargets.Registry;

/// <summary>
/// Reads an OCI image layout (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) as written by
/// <c>docker buildx build --output type=oci</c>, <c>skopeo copy … oci:</c> and others, and checks every byte against its
/// digest before anything is sent: a layout with a missing, truncated or altered blob fails here naming the file.
/// </summary>
public static class OciLayoutReader
{
    public const string LayoutFileName = "oci-layout";

    /// <summary>Whether <paramref name="directory"/> is an OCI image layout (holds an <c>oci-layout</c> file).</summary>
    public static bool IsLayout(string directory) => File.Exists(System.IO.Path.Combine(directory, LayoutFileName));

    /// <summary>Every layout folder under <paramref name="root"/> (itself included), outermost only, in ordinal order; links are not followed.</summary>
    public static IReadOnlyList<string> FindLayouts(string root)
    {
        var found = new List<string>();
        if (Directory.Exists(root))
        {
            Collect(new DirectoryInfo(root), found);
        }

        return found.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads and verifies the layout in <paramref name="directory"/>; the report calls it <paramref name="name"/>.</summary>
    public static async Task<OciImage> ReadAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var layout = ReadJson(System.IO.Path.Combine(directory, LayoutFileName), directory);
        if (layout["imageLayoutVersion"]?.GetValue<string>() is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw Problem(directory, $"{LayoutFileName} does not declare imageLayoutVersion 1.x");
        }

        var index = ReadJson(System.IO.Path.Combine(directory, "index.json"), directory);
        var descriptors = index["manifests"]?.AsArray() ?? [];
        if (descriptors.Count != 1)
        {
            throw Problem(directory, $"index.json lists {descriptors.Count} manifests; this push expects exactly one image (or one multi-platform index) per layout folder — put each image in a folder of its own");
        }

        var blobs = new Dictionary<string, OciBlob>(StringComparer.Ordinal);
        var manifests = new List<OciManifest>();
        await AddManifestAsync(directory, descriptors[0]!, blobs, manifests, cancellationToken);
        return new OciImage(name, directory, blobs.Values.ToList(), manifests);
    }

    private static async Task AddManifestAsync(string directory, JsonNode descriptor, Dictionary<string, OciBlob> blobs, List<OciManifest> manifests, CancellationToken cancellationToken)
    {
        var (digest, size, mediaType) = Describe(directory, descriptor);
        if (!OciMediaTypes.IsManifest(mediaType))
        {
            throw Problem(directory, $"manifest {digest} has media type '{mediaType}', which is not an image manifest or index");
        }

        if (manifests.Any(m => m.Digest == digest))
        {
            return;
        }

        var path = BlobPath(directory, digest);
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        if (content.Length != size || OciDigest.Of(content) != digest)
        {
            throw Problem(directory, $"blobs/sha256/{OciDigest.Hex(digest)} does not match its digest or size ({content.Length} bytes, {size} declared)");
        }

        var manifest = JsonNode.Parse(content) ?? throw Problem(directory, $"manifest {digest} is empty");
        if (OciMediaTypes.IsIndex(mediaType))
        {
            foreach (var child in manifest["manifests"]?.AsArray() ?? [])
            {
                await AddManifestAsync(directory, child!, blobs, manifests, cancellationToken);
            }
        }
        else
        {
            var parts = new List<JsonNode?> { manifest["config"] };
            parts.AddRange(manifest["layers"]?.AsArray() ?? []);
            foreach (var part in parts)
            {
                if (part is null)
                {
                    throw Problem(directory, $"manifest {digest} has no config");
                }

                await AddBlobAsync(directory, part, blobs, cancellationToken);
            }
        }

        // Children first: the registry checks that whatever a manifest refers to is already there.
        manifests.Add(new OciManifest(digest, mediaType, content));
    }

    private static async Task AddBlobAsync(string directory, JsonNode descriptor, Dictionary<string, OciBlob> blobs, CancellationToken cancellationToken)
    {
        var (digest, size, _) = Describe(directory, descriptor);
        if (blobs.ContainsKey(digest))
        {
            return;
        }

        var path = BlobPath(directory, digest);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            throw Problem(directory, $"blob {digest} is missing (expected the regular file blobs/sha256/{OciDigest.Hex(digest)})");
        }

        if (info.Length != size || await OciDigest.OfFileAsync(path, cancellationToken) != digest)
        {
            throw Problem(directory, $"blobs/sha256/{OciDigest.Hex(digest)} does not match its digest or size ({info.Length} bytes, {size} declared)");
        }

        blobs[digest] = new OciBlob(digest, size, path);
    }

    private static (string Digest, long Size, string MediaType) Describe(string directory, JsonNode descriptor)
    {
        var digest = descriptor["digest"]?.GetValue<string>();
        if (!OciDigest.IsValid(digest))
        {
            throw Problem(directory, $"a descriptor has digest '{digest}'; only sha256:<64 lowercase hex> is supported");
        }

        var size = descriptor["size"]?.GetValue<long>() ?? -1;
        if (size < 0)
        {
            throw Problem(directory, $"descriptor {digest} has no size");
        }

        return (digest!, size, descriptor["mediaType"]?.GetValue<string>() ?? string.Empty);
    }

    private static string BlobPath(string directory, string digest) => System.IO.Path.Combine(directory, "blobs", "sha256", OciDigest.Hex(digest));

    private static JsonNode ReadJson(string path, string directory)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) ?? throw Problem(directory, $"{System.IO.Path.GetFileName(path)} is empty");
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Problem(directory, $"{System.IO.Path.GetFileName(path)} cannot be read ({exception.GetType().Name}: {exception.Message})");
        }
    }

    private static ReleaseTargetsException Problem(string directory, string what) =>
        new($"The OCI image layout '{directory}' cannot be pushed: {what}.");

    private static void Collect(DirectoryInfo folder, List<string> found)
    {
        if (IsLayout(folder.FullName))
        {
            found.Add(folder.FullName);
            return;
        }

        foreach (var child in folder.EnumerateDirectories())
        {
            if (child.LinkTarget is null)
            {
                Collect(child, found);
            }
        }
    }
}
