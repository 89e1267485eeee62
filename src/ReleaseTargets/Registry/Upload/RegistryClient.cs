using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Resilience;

namespace ReleaseTargets.Registry.Upload;

/// <summary>
/// The few OCI distribution endpoints a push needs, one request per call, on <see cref="HttpClient"/>: HEAD blob, POST
/// upload (and cross-repository mount), PATCH chunk, GET upload status, PUT <c>?digest=</c>, PUT/HEAD manifest. Every
/// error answer becomes a <see cref="RegistryRequestException"/>; retrying is the runner's job, never this class's. Every
/// URL the registry hands back passes <see cref="RegistryHostPolicy"/> before it is used, and a request carries the
/// credential only when it goes to the registry itself.
/// </summary>
internal sealed class RegistryClient(HttpClient http, RegistryHostPolicy hosts, string repository, RegistryAuthenticator authenticator)
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly Uri registry = hosts.Registry;

    public Uri Registry => registry;

    public string Repository => repository;

    public RegistryAuthenticator Authenticator => authenticator;

    /// <summary>"127.0.0.1:5000/team/app".</summary>
    public string Describe(string? reference = null) =>
        $"{registry.Authority}/{repository}{reference switch { null => "", _ when reference.StartsWith("sha256:", StringComparison.Ordinal) => "@" + reference, _ => ":" + reference }}";

    /// <summary>The blob's size when the repository has it, or null.</summary>
    public async Task<long?> HeadBlobAsync(string digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, Path($"blobs/{digest}"), null, cancellationToken, RegistryResponseClassifier.IsNotFound);
        return RegistryResponseClassifier.IsNotFound(response) ? null : response.Content.Headers.ContentLength ?? 0;
    }

    /// <summary>Asks to mount the blob from <paramref name="from"/>: null when mounted, else the upload session the registry opened instead.</summary>
    public async Task<Uri?> MountAsync(string digest, string from, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, Path($"blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(from)}"), null, cancellationToken);
        return RegistryResponseClassifier.IsCreated(response) ? null : LocationOf(response);
    }

    /// <summary>Opens an upload session; returns its URL.</summary>
    public async Task<Uri> StartUploadAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, Path("blobs/uploads/"), null, cancellationToken);
        return LocationOf(response);
    }

    /// <summary>Sends bytes at <paramref name="offset"/>; returns the session's next URL and the offset the server now holds.</summary>
    public async Task<(Uri Location, long Offset)> PatchAsync(Uri location, ReadOnlyMemory<byte> chunk, long offset, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(chunk);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + chunk.Length - 1}");
        using var response = await SendAsync(HttpMethod.Patch, location, content, cancellationToken);
        return (LocationOf(response), OffsetOf(response));
    }

    /// <summary>Where the session stands: its URL and the offset the server holds (trust it, not your own count).</summary>
    public async Task<(Uri Location, long Offset)> GetUploadStatusAsync(Uri location, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, location, null, cancellationToken);
        return (LocationOf(response, location), OffsetOf(response));
    }

    /// <summary>Closes the session: the registry checks the bytes against <paramref name="digest"/> and the blob appears.</summary>
    public async Task CompleteUploadAsync(Uri location, string digest, CancellationToken cancellationToken)
    {
        var separator = string.IsNullOrEmpty(location.Query) ? "?" : "&";
        // An empty body with a form content type gives 400 DIGEST_INVALID on some registries: always octet-stream.
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(HttpMethod.Put, new Uri(location + separator + "digest=" + Uri.EscapeDataString(digest)), content, cancellationToken);
    }

    /// <summary>Writes a manifest under a digest or a tag.</summary>
    public async Task PutManifestAsync(string reference, OciManifest manifest, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(manifest.Content);
        content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
        using var response = await SendAsync(HttpMethod.Put, Path($"manifests/{reference}"), content, cancellationToken);
        if (response.Headers.TryGetValues("Docker-Content-Digest", out var digests) && digests.FirstOrDefault() is { } stored && stored != manifest.Digest)
        {
            throw new ReleaseTargetsException($"The registry stored manifest {Describe(reference)} as {stored}, not {manifest.Digest}: it rewrote the manifest; nothing was tagged from it.");
        }
    }

    /// <summary>The digest a tag or digest reference resolves to, or null when absent.</summary>
    public async Task<string?> HeadManifestAsync(string reference, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, Path($"manifests/{reference}"), null, cancellationToken, RegistryResponseClassifier.IsNotFound, [mediaType]);
        return RegistryResponseClassifier.IsNotFound(response) ? null : DigestHeader(response);
    }

    /// <summary>
    /// The manifest a tag or digest reference names, as served (bytes, media type, <c>Docker-Content-Digest</c>), or null
    /// when absent. At most <paramref name="maxBytes"/> are read: a larger manifest is refused whether or not its length
    /// was declared (a hostile registry must not make us buffer gigabytes). The digest is the registry's word: hash the bytes.
    /// </summary>
    public async Task<FetchedManifest?> GetManifestAsync(string reference, IReadOnlyList<string> mediaTypes, CancellationToken cancellationToken, int maxBytes = RegistryDefaults.MaxManifestBytes)
    {
        using var response = await SendAsync(HttpMethod.Get, Path($"manifests/{reference}"), null, cancellationToken, RegistryResponseClassifier.IsNotFound, mediaTypes);
        if (RegistryResponseClassifier.IsNotFound(response))
        {
            return null;
        }

        var tooLarge = $"The registry served manifest {Describe(reference)} larger than the {maxBytes} bytes a manifest may have";
        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
        {
            throw new ReleaseTargetsException($"{tooLarge} ({declared} bytes declared): not read.");
        }

        var buffer = new byte[maxBytes + 1];
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        return read > maxBytes
            ? throw new ReleaseTargetsException($"{tooLarge}: reading stopped there.")
            : new FetchedManifest(buffer[..read], ServerText.Sanitize(response.Content.Headers.ContentType?.MediaType), DigestHeader(response));
    }

    /// <summary>Turns an error answer into a <see cref="RegistryRequestException"/> with the OCI error code from the body.</summary>
    internal static async Task<RegistryRequestException> FailureAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        if (request.Method != HttpMethod.Head)
        {
            try
            {
                var buffer = new byte[MaxErrorBodyBytes];
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                code = JsonNode.Parse(buffer.AsSpan(0, read))?["errors"]?.AsArray().FirstOrDefault()?["code"]?.GetValue<string>();
            }
            catch (Exception exception) when (exception is System.Text.Json.JsonException or InvalidOperationException or IOException or HttpRequestException)
            {
                // Not an OCI error body (a proxy's HTML page, a cut connection): the status still says what happened.
            }
        }

        return new RegistryRequestException(
            request.Method.Method,
            request.RequestUri?.AbsolutePath ?? "?",
            RegistryResponseClassifier.Status(response),
            code,
            response.Headers.WwwAuthenticate.Count > 0 ? response.Headers.WwwAuthenticate.ToString() : null,
            response.Headers.RetryAfter);
    }

    private Uri Path(string rest) => new(registry, $"/v2/{repository}/{rest}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken, Func<HttpResponseMessage, bool>? alsoAccepted = null, IReadOnlyList<string>? accept = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        foreach (var mediaType in accept ?? [])
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        authenticator.Apply(request);

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (RegistryResponseClassifier.IsSuccess(response) || alsoAccepted?.Invoke(response) == true)
        {
            return response;
        }

        using (response)
        {
            // A challenge counts only from the registry itself: an upload host must not choose where credentials go.
            if (RegistryResponseClassifier.IsAuthChallenge(response) && hosts.IsRegistry(uri))
            {
                authenticator.NoteChallenge(response.Headers.WwwAuthenticate.ToString());
            }

            throw await FailureAsync(request, response, cancellationToken);
        }
    }

    private static string? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var digests) ? ServerText.Sanitize(digests.FirstOrDefault()) : null;

    private Uri LocationOf(HttpResponseMessage response, Uri? fallback = null)
    {
        if (response.Headers.Location is { } location)
        {
            var absolute = location.IsAbsoluteUri ? location : new Uri(response.RequestMessage!.RequestUri!, location);
            return hosts.CheckHandedBack(absolute, $"the upload Location of {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}");
        }

        return fallback ?? throw new ReleaseTargetsException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {RegistryResponseClassifier.Status(response)} without a Location for the upload.");
    }

    /// <summary>The next offset from <c>Range: 0-&lt;last&gt;</c>. A fresh session answers <c>0-0</c>, read as nothing held.</summary>
    private static long OffsetOf(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values) || values.FirstOrDefault() is not { } range)
        {
            return 0;
        }

        var dash = range.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last > 0 ? last + 1 : 0;
    }
}
