using System.Text.Json.Nodes;

namespace ReleaseTargets.Registry.Layout;

/// <summary>
/// Reads an OCI image layout (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) as written by
/// <c>docker buildx build --output type=oci</c>, <c>skopeo copy … oci:</c> and others, and checks every byte against its
/// digest before anything is sent: a layout with a missing, truncated or altered blob fails here naming the file.
/// </summary>
internal static class OciLayoutReader
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
        var layout = await ReadJsonAsync(directory, LayoutFileName, cancellationToken);
        if (layout.String(layout.Root, "imageLayoutVersion") is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw Problem(directory, $"{LayoutFileName} does not declare imageLayoutVersion 1.x");
        }

        RefuseLinkedFolders(directory);
        var index = await ReadJsonAsync(directory, "index.json", cancellationToken);
        var descriptors = index.Elements(index.Root, "manifests");
        if (descriptors.Count != 1)
        {
            throw Problem(directory, $"index.json lists {descriptors.Count} manifests; this push expects exactly one image (or one multi-platform index) per layout folder — put each image in a folder of its own");
        }

        var blobs = new Dictionary<string, OciBlob>(StringComparer.Ordinal);
        var manifests = new List<OciManifest>();
        await AddManifestAsync(directory, index, descriptors[0], blobs, manifests, cancellationToken);
        return new OciImage(name, directory, blobs.Values.ToList(), manifests);
    }

    /// <summary>"The OCI image layout '&lt;folder&gt;' cannot be pushed: &lt;what&gt;." — the one shape of a layout problem.</summary>
    internal static ReleaseTargetsException Problem(string directory, string what) =>
        new($"The OCI image layout '{directory}' cannot be pushed: {what}.");

    /// <param name="parent">The file that holds <paramref name="descriptor"/>.</param>
    private static async Task AddManifestAsync(string directory, OciLayoutJson parent, JsonObject descriptor, Dictionary<string, OciBlob> blobs, List<OciManifest> manifests, CancellationToken cancellationToken)
    {
        var (digest, size, mediaType) = Describe(parent, descriptor);
        if (!OciMediaTypes.IsManifest(mediaType))
        {
            throw parent.Problem($"manifest {digest} has media type '{mediaType}', which is not an image manifest or index");
        }

        if (manifests.Any(m => m.Digest == digest))
        {
            return;
        }

        var info = RegularBlob(directory, digest, "manifest");
        if (info.Length != size || size > RegistryDefaults.MaxManifestBytes)
        {
            throw Problem(directory, $"{BlobName(digest)} does not match its digest or size ({info.Length} bytes, {size} declared{(size > RegistryDefaults.MaxManifestBytes ? $", over the {RegistryDefaults.MaxManifestBytes / (1024 * 1024)} MiB a manifest may have" : "")})");
        }

        var content = await File.ReadAllBytesAsync(info.FullName, cancellationToken);
        if (content.Length != size || OciDigest.Of(content) != digest)
        {
            throw Problem(directory, $"{BlobName(digest)} does not match its digest or size ({content.Length} bytes, {size} declared)");
        }

        // The whole shape first, then the files it names: a malformed manifest is reported as such, not as a missing blob.
        var manifest = OciLayoutJson.Parse(directory, BlobName(digest), content);
        if (OciMediaTypes.IsIndex(mediaType))
        {
            foreach (var child in manifest.Elements(manifest.Root, "manifests"))
            {
                await AddManifestAsync(directory, manifest, child, blobs, manifests, cancellationToken);
            }
        }
        else
        {
            var config = manifest.Object(manifest.Root, "config") ?? throw manifest.Problem($"manifest {digest} has no config");
            foreach (var part in manifest.Elements(manifest.Root, "layers").Prepend(config))
            {
                await AddBlobAsync(directory, manifest, part, blobs, cancellationToken);
            }
        }

        // Children first: the registry checks that whatever a manifest refers to is already there.
        manifests.Add(new OciManifest(digest, mediaType, content));
    }

    private static async Task AddBlobAsync(string directory, OciLayoutJson parent, JsonObject descriptor, Dictionary<string, OciBlob> blobs, CancellationToken cancellationToken)
    {
        var (digest, size, _) = Describe(parent, descriptor);
        if (blobs.ContainsKey(digest))
        {
            return;
        }

        var info = RegularBlob(directory, digest, "blob");
        if (info.Length != size || await OciDigest.OfFileAsync(info.FullName, cancellationToken) != digest)
        {
            throw Problem(directory, $"{BlobName(digest)} does not match its digest or size ({info.Length} bytes, {size} declared)");
        }

        blobs[digest] = new OciBlob(digest, size, info.FullName);
    }

    /// <summary>The blob's file, which must be a regular file inside the layout: a link is refused as a link, never followed.</summary>
    private static FileInfo RegularBlob(string directory, string digest, string kind)
    {
        var info = new FileInfo(System.IO.Path.Combine(directory, "blobs", "sha256", OciDigest.Hex(digest)));
        if (info.LinkTarget is { } target)
        {
            throw Problem(directory, $"{kind} {digest} is a symbolic link ({BlobName(digest)} → '{target}'); links are not followed: copy the file into the layout");
        }

        if (!info.Exists)
        {
            throw Problem(directory, $"{kind} {digest} is missing (expected the regular file {BlobName(digest)})");
        }

        return info;
    }

    private static void RefuseLinkedFolders(string directory)
    {
        foreach (var folder in new[] { "blobs", "blobs/sha256" })
        {
            if (new DirectoryInfo(System.IO.Path.Combine(directory, folder)).LinkTarget is { } target)
            {
                throw Problem(directory, $"{folder} is a symbolic link (→ '{target}'); links are not followed: copy the blobs into the layout");
            }
        }
    }

    /// <summary>A descriptor's digest (sha256 only), size and media type ("" when absent), checked: a bad one fails naming the file.</summary>
    internal static (string Digest, long Size, string MediaType) Describe(OciLayoutJson file, JsonObject descriptor)
    {
        var digest = file.String(descriptor, "digest");
        if (!OciDigest.IsValid(digest))
        {
            throw file.Problem($"{descriptor.GetPath()} has digest '{digest}'; only sha256:<64 lowercase hex> is supported");
        }

        var size = file.Long(descriptor, "size") ?? -1;
        if (size < 0)
        {
            throw file.Problem($"descriptor {digest} has no size");
        }

        return (digest!, size, file.String(descriptor, "mediaType") ?? string.Empty);
    }

    private static string BlobName(string digest) => $"blobs/sha256/{OciDigest.Hex(digest)}";

    private static async Task<OciLayoutJson> ReadJsonAsync(string directory, string file, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(System.IO.Path.Combine(directory, file), cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Problem(directory, $"{file} cannot be read ({exception.Message})");
        }

        return OciLayoutJson.Parse(directory, file, content);
    }

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
