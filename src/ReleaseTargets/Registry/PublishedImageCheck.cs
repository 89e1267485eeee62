using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Registry;

/// <summary>
/// Verify for images (issue 22): each tag of a published image still resolves to the recorded digest, and every blob its
/// manifest names (through an index, every child manifest's) is in the repository. It only reads: its session asks for
/// <c>repository:&lt;r&gt;:pull</c>. A digest is always computed from the bytes served, never taken from a header. Every
/// mismatch is one problem line, all of them collected; an empty list means every image is whole.
/// </summary>
internal sealed class PublishedImageCheck : IDisposable
{
    /// <summary>Index → manifest nesting followed at most: an index of indexes is already unusual; a loop must end.</summary>
    public const int MaxDepth = 4;

    /// <summary>Manifests read per image at most: a hostile index must not make the check fetch without end.</summary>
    public const int MaxManifests = 256;

    private static readonly string[] ManifestTypes = [OciMediaTypes.ImageIndex, OciMediaTypes.ImageManifest, OciMediaTypes.DockerManifestList, OciMediaTypes.DockerManifest];

    private readonly RegistryPublisher _publisher;
    private readonly IReleaseLog _log;
    private readonly Redactor _redactor;

    /// <param name="registry">The registry's base URL (https, or http on loopback), as for the push.</param>
    /// <param name="credentials">As for the push (<see cref="ReleaseImages.Credentials"/>); only pull is asked for.</param>
    /// <param name="redactor">The run's redactor: the credentials and every token are registered there; every problem passes it.</param>
    /// <param name="handler">Transport; default a fresh one (see <see cref="RegistryPublisher"/>).</param>
    public PublishedImageCheck(Uri registry, RegistryCredentials credentials, PushRetryOptions retry, TimeProvider timeProvider, IReleaseLog log, Redactor redactor, HttpMessageHandler? handler = null)
    {
        _publisher = new RegistryPublisher(registry, credentials, retry, timeProvider, log, redactor, handler);
        _log = log;
        _redactor = redactor;
    }

    public Uri Registry => _publisher.Registry;

    /// <summary>Checks every image; returns one problem per mismatch (empty: all good). Throws only when cancelled.</summary>
    public async Task<IReadOnlyList<string>> VerifyAsync(IReadOnlyList<PublishedImage> images, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var authority = Registry.Authority;
        var here = images.Where(i => string.Equals(i.Registry, authority, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var elsewhere in images.Except(here))
        {
            problems.Add($"Image '{elsewhere.Name}' was published to {elsewhere.Describe(elsewhere.Digest)}, not to {authority}: not checked; verify it against --registry={elsewhere.Registry}.");
        }

        var readable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var repository in here.Select(i => i.Repository).Distinct(StringComparer.Ordinal))
        {
            try
            {
                await _publisher.AuthenticateAsync([repository], mountFrom: null, pullOnly: true, cancellationToken);
                readable.Add(repository);
            }
            catch (ReleaseTargetsException failed)
            {
                problems.Add($"Repository {authority}/{repository} could not be read, so none of its images was checked: {failed.Message}");
            }
        }

        foreach (var image in here.Where(i => readable.Contains(i.Repository)))
        {
            var (client, runner) = _publisher.SessionFor(image.Repository);
            var walk = new Walk(client, runner, image, cancellationToken);
            await walk.RunAsync();
            problems.AddRange(walk.Problems);
            _log.Information(walk.Problems.Count == 0
                ? $"Verified image '{image.Name}' ({image.Describe(image.Digest)}): {image.Tags.Count} tag(s), {walk.Manifests} manifest(s), {walk.Blobs} blob(s) present."
                : $"Image '{image.Name}' ({image.Describe(image.Digest)}): {walk.Problems.Count} problem(s).");
        }

        return problems.Select(_redactor.Redact).ToList();
    }

    public void Dispose() => _publisher.Dispose();

    /// <summary>One image's check: its tags, then its manifest tree by digest and every blob named there.</summary>
    private sealed class Walk(RegistryClient client, RequestRunner runner, PublishedImage image, CancellationToken cancellationToken)
    {
        private readonly HashSet<string> _manifests = new(StringComparer.Ordinal);
        private readonly HashSet<string> _blobs = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = [];

        public int Manifests => _manifests.Count;

        public int Blobs => _blobs.Count;

        public async Task RunAsync()
        {
            foreach (var tag in image.Tags)
            {
                if (await FetchAsync(tag) is { } served && served.Digest != image.Digest)
                {
                    Add(tag, $"the tag resolves to {served.Digest}, not the recorded {image.Digest}: it was moved or overwritten after the release{HeaderNote(served)}.");
                }
            }

            await CheckManifestAsync(image.Digest, size: null, descriptorType: null, depth: 0);
        }

        private async Task CheckManifestAsync(string digest, long? size, string? descriptorType, int depth)
        {
            if (!_manifests.Add(digest))
            {
                return;
            }

            if (_manifests.Count > MaxManifests)
            {
                Add(digest, $"the image names more than {MaxManifests} manifests: the rest were not checked.");
                return;
            }

            if (await FetchAsync(digest) is not { } served)
            {
                return;
            }

            if (served.Digest != digest)
            {
                Add(digest, $"the registry serves other bytes under this digest: they hash to {served.Digest}{HeaderNote(served)}; the manifest published is not there.");
                return;
            }

            if (size is { } expected && served.Content.Length != expected)
            {
                Add(digest, $"the manifest is {served.Content.Length} bytes, not the {expected} its index says.");
            }

            try
            {
                var manifest = OciLayoutJson.Parse("the manifest", served.Content, what => new ReleaseTargetsException(what));
                // The bytes are verified, so the media type they declare comes first; the parent's descriptor, then the header, after.
                var type = manifest.String(manifest.Root, "mediaType") ?? descriptorType ?? served.Fetched.MediaType ?? string.Empty;
                if (OciMediaTypes.IsIndex(type))
                {
                    if (depth >= MaxDepth)
                    {
                        Add(digest, $"indexes nest deeper than {MaxDepth} levels: the manifests below were not checked.");
                        return;
                    }

                    var children = manifest.Elements(manifest.Root, "manifests").Select(c => OciLayoutReader.Describe(manifest, c)).ToList();
                    foreach (var (child, childSize, childType) in children)
                    {
                        await CheckManifestAsync(child, childSize, childType, depth + 1);
                    }
                }
                else if (OciMediaTypes.IsManifest(type))
                {
                    var config = manifest.Object(manifest.Root, "config") ?? throw manifest.Problem("it has no config");
                    var parts = manifest.Elements(manifest.Root, "layers").Prepend(config).Select(p => OciLayoutReader.Describe(manifest, p)).ToList();
                    foreach (var (blob, blobSize, _) in parts)
                    {
                        await CheckBlobAsync(digest, blob, blobSize);
                    }
                }
                else
                {
                    Add(digest, $"the manifest has media type '{ServerText.Sanitize(type)}', neither an image manifest nor an index: its blobs were not checked.");
                }
            }
            catch (ReleaseTargetsException bad)
            {
                Add(digest, $"{bad.Message}; its blobs were not checked.");
            }
        }

        private async Task CheckBlobAsync(string manifest, string digest, long size)
        {
            if (!_blobs.Add(digest))
            {
                return;
            }

            try
            {
                var length = await runner.RunAsync($"Checking blob {digest} in {client.Describe()}", ct => client.HeadBlobAsync(digest, ct), cancellationToken);
                if (length is null)
                {
                    Add(manifest, $"blob {digest} ({size} bytes, named by manifest {manifest}) is missing from the repository: the image cannot be pulled.");
                }
                else if (length != size && length != 0)
                {
                    // 0: no Content-Length, which the distribution spec allows on HEAD; presence is what was asked.
                    Add(manifest, $"blob {digest} is {length} bytes in the registry, not the {size} manifest {manifest} says.");
                }
            }
            catch (ReleaseTargetsException failed)
            {
                Add(manifest, $"blob {digest} could not be checked: {failed.Message}");
            }
        }

        /// <summary>The manifest under a tag or digest with the digest of its bytes; null (and a problem) when absent or unreadable.</summary>
        private async Task<Served?> FetchAsync(string reference)
        {
            FetchedManifest? fetched;
            try
            {
                fetched = await runner.RunAsync($"Reading manifest {image.Describe(reference)}", ct => client.GetManifestAsync(reference, ManifestTypes, ct), cancellationToken);
            }
            catch (ReleaseTargetsException failed)
            {
                Add(reference, $"the manifest could not be read: {failed.Message}");
                return null;
            }

            if (fetched is null)
            {
                Add(reference, $"not found in the registry (expected {image.Digest}).");
                return null;
            }

            var served = new Served(fetched, OciDigest.Of(fetched.Content));
            if (fetched.DigestHeader is { } header && header != served.Digest && served.Digest == (OciDigest.IsValid(reference) ? reference : image.Digest))
            {
                // The right bytes under a wrong Docker-Content-Digest: a client that trusts the header pins another image.
                Add(reference, $"the registry's Docker-Content-Digest says {header}, but the manifest it served hashes to {served.Digest}.");
            }

            return served;
        }

        private static string HeaderNote(Served served) =>
            served.Fetched.DigestHeader is { } header && header != served.Digest ? $" (the registry's Docker-Content-Digest says {header})" : string.Empty;

        private void Add(string reference, string what) => Problems.Add($"Image '{image.Name}', {image.Describe(reference)}: {what}");
    }

    /// <summary>A manifest as served, with the digest computed from its bytes.</summary>
    private sealed record Served(FetchedManifest Fetched, string Digest)
    {
        public byte[] Content => Fetched.Content;
    }
}
