using Azure.Core;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry;

/// <summary>
/// The images of a release: every OCI image layout folder under ArtifactsDirectory is pushed to the registry (and left
/// out of the blob push). RefreshCredentials verifies every layout against its digests and authenticates per repository
/// right before the push; Push writes each image's blobs, manifests and then its tags. With no <c>--registry</c> a local
/// docker-registry is started, as Azurite is for storage.
/// </summary>
internal sealed class ReleaseImages : IAsyncDisposable
{
    public const string UsernameVariable = "RELEASETARGETS_REGISTRY_USERNAME";
    public const string PasswordVariable = "RELEASETARGETS_REGISTRY_PASSWORD";

    private readonly ReleaseOptions _options;
    private readonly IReadOnlyList<(string Directory, string Repository)> _layouts;
    private readonly TimeProvider _timeProvider;
    private readonly IReleaseLog _log;
    private readonly Redactor _redactor;
    private List<RegistryImage>? _images;
    private LocalRegistry? _local;
    private RegistryPublisher? _publisher;

    private ReleaseImages(ReleaseOptions options, IReadOnlyList<(string, string)> layouts, TimeProvider timeProvider, IReleaseLog log, Redactor redactor)
    {
        _redactor = redactor;
        _options = options;
        _layouts = layouts;
        _timeProvider = timeProvider;
        _log = log;
        Tags = string.IsNullOrWhiteSpace(options.ImageTags)
            ? [RegistryDefaults.TagFor(options.ReleaseVersion)]
            : options.ImageTags.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<string> Tags { get; }

    /// <summary>Globs that keep the layout folders out of the blob push (appended to <c>--artifacts</c>).</summary>
    public string ExcludeGlobs => string.Join(';', _layouts.Select(l => "!" + Path.GetRelativePath(_options.ArtifactsDirectory, l.Directory).Replace('\\', '/') + "/**"));

    /// <summary>Layout folder → repository.</summary>
    public IReadOnlyList<(string Directory, string Repository)> Layouts => _layouts;

    /// <summary>The registry images go to, once RefreshCredentials ran.</summary>
    public Uri? Registry => _publisher?.Registry;

    /// <summary>Credential renewals during the push.</summary>
    public int Renewals => _publisher?.Renewals ?? 0;

    /// <summary>
    /// Finds the layout folders (null when there are none) and names each one's repository: <c>--repository</c> for a single
    /// layout, <c>&lt;--repository&gt;/&lt;folder&gt;</c> for several, the folder's name when <c>--repository</c> is empty.
    /// </summary>
    public static ReleaseImages? Find(ReleaseOptions options, TimeProvider timeProvider, IReleaseLog log, Redactor redactor)
    {
        var found = OciLayoutReader.FindLayouts(options.ArtifactsDirectory)
            .Where(l => !string.Equals(Path.GetFullPath(l), Path.GetFullPath(options.ArtifactsDirectory), StringComparison.Ordinal))
            .ToList();
        if (found.Count == 0 && string.IsNullOrEmpty(options.ArtifactRepository))
        {
            return null;
        }

        var layouts = found.Select(l => (l, RepositoryOf(options.Repository, Path.GetFileName(l), found.Count))).ToList();
        var bad = layouts.Where(l => !ReleaseOptionsValidator.IsValidRepository(l.Item2)).ToList();
        if (bad.Count > 0)
        {
            throw new ReleaseTargetsException(string.Join(Environment.NewLine, bad.Select(b =>
                $"The image layout '{b.l}' would go to repository '{b.Item2}', which is not a valid repository name: rename the folder (lowercase letters, digits, '.', '_', '-') or set --repository.")));
        }

        return new ReleaseImages(options, layouts, timeProvider, log, redactor);
    }

    /// <summary>Bytes of every distinct blob of every image, once <see cref="ReadAsync"/> ran: part of what the push is forecast for.</summary>
    public long TotalBytes => _images?.Sum(i => i.Image.TotalBytes) ?? 0;

    /// <summary>
    /// Verifies every layout against its digests and builds the files' OCI artifact when <c>--artifact-repository</c> is
    /// set (once; before the SAS is sized, so the forecast counts the images' bytes too).
    /// </summary>
    /// <param name="files">The release's files (what the blob push sends), for the OCI artifact.</param>
    public async Task ReadAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (_images is null)
        {
            var images = new List<RegistryImage>();
            foreach (var (directory, repository) in _layouts)
            {
                images.Add(new RegistryImage(await OciLayoutReader.ReadAsync(directory, Path.GetRelativePath(_options.ArtifactsDirectory, directory), cancellationToken), repository));
            }

            if (!string.IsNullOrEmpty(_options.ArtifactRepository))
            {
                images.Add(new RegistryImage(await OciArtifactBuilder.BuildAsync("release files", _options.ArtifactsDirectory, files, cancellationToken: cancellationToken), _options.ArtifactRepository));
            }

            _images = images;
        }
    }

    /// <summary>Right before the push: starts the local registry when none is set, then authenticates per repository.</summary>
    public async Task RefreshCredentialsAsync(IReadOnlyDictionary<string, string> environment, Func<TokenCredential> entraCredential, CancellationToken cancellationToken)
    {
        if (_publisher is null)
        {
            var registry = _options.Registry;
            if (registry is null)
            {
                _local = await LocalRegistry.StartAsync(_options.StateDirectory, _log, _timeProvider, cancellationToken);
                registry = _local.BaseUri;
            }

            _publisher = new RegistryPublisher(registry, Credentials(registry, environment, entraCredential), PushRetryOptions.From(_options), _timeProvider, _log, _redactor);
        }

        await _publisher.AuthenticateAsync(_images!.Select(i => i.Repository), MountFrom, cancellationToken);
    }

    /// <summary>Pushes every image; the results say what happened to each.</summary>
    public async Task<IReadOnlyList<ImageResult>> PushAsync(CancellationToken cancellationToken)
    {
        var options = new RegistryPushOptions
        {
            ChunkSize = checked(_options.BlockSizeMiB * 1024 * 1024),
            Concurrency = Math.Min(_options.Concurrency, RegistryDefaults.Concurrency),
            ProgressInterval = _options.ProgressInterval,
            MountFrom = MountFrom,
            UploadHosts = RegistryHostPolicy.SplitHosts(_options.RegistryUploadHosts),
        };
        var results = await _publisher!.PushAsync(_images!, Tags, options, cancellationToken);
        foreach (var line in PushReportWriter.ToImageLines(results))
        {
            _log.Information(line);
        }

        return results;
    }

    /// <summary>What the manifest records of the pushed images: the push's results in the order they were pushed, each with its repository.</summary>
    public IReadOnlyList<PublishedImage> Published(IReadOnlyList<ImageResult> results) =>
        _images!.Zip(results, (image, result) => PublishedImage.From(result, _publisher!.Registry, image.Repository)).ToList();

    public async ValueTask DisposeAsync()
    {
        _publisher?.Dispose();
        _publisher = null;
        if (_local is not null)
        {
            await _local.DisposeAsync();
            _local = null;
        }
    }

    private string? MountFrom => string.IsNullOrEmpty(_options.RegistryMountFrom) ? null : _options.RegistryMountFrom;

    private static string RepositoryOf(string repository, string folder, int count) =>
        string.IsNullOrEmpty(repository) ? folder : count == 1 ? repository : $"{repository}/{folder}";

    /// <summary>
    /// User name and password from the environment; else, for Azure Container Registry, the Entra credential of
    /// <c>--credential</c> exchanged for ACR tokens; else anonymous (the local registry, public token endpoints).
    /// </summary>
    internal static RegistryCredentials Credentials(Uri registry, IReadOnlyDictionary<string, string> environment, Func<TokenCredential> entraCredential)
    {
        var username = environment.GetValueOrDefault(UsernameVariable);
        var password = environment.GetValueOrDefault(PasswordVariable);
        if (!string.IsNullOrEmpty(username) || !string.IsNullOrEmpty(password))
        {
            return string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)
                ? throw new ReleaseTargetsException($"Only one of {UsernameVariable} and {PasswordVariable} is set: set both, or neither.")
                : new RegistryCredentials(username, password);
        }

        return registry.Host.EndsWith(".azurecr.io", StringComparison.OrdinalIgnoreCase)
            ? new RegistryCredentials(entraCredential: entraCredential())
            : RegistryCredentials.Anonymous;
    }
}
