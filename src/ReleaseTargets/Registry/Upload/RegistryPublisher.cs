using System.Net;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry.Upload;

/// <summary>
/// Publishes a release's images to one registry: <see cref="AuthenticateAsync(IEnumerable{string}, string?, CancellationToken)"/> right before the push (RefreshCredentials)
/// gets a fresh credential per repository; <see cref="PushAsync"/> pushes the images one after the other, each tag whole
/// or absent, stopping at the first image that fails (the rest are reported as not attempted).
/// </summary>
internal sealed class RegistryPublisher : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _registry;
    private readonly RegistryCredentials _credentials;
    private readonly PushRetryOptions _retry;
    private readonly TimeProvider _timeProvider;
    private readonly IReleaseLog _log;
    private readonly Redactor _redactor;
    private readonly Dictionary<string, RegistryAuthenticator> _authenticators = new(StringComparer.Ordinal);

    /// <param name="registry">The registry's base URL (https, or http on loopback).</param>
    /// <param name="redactor">The run's redactor: the credentials and every registry token are registered there.</param>
    /// <param name="handler">Transport; default a fresh <see cref="SocketsHttpHandler"/>. It must not follow redirects itself.</param>
    public RegistryPublisher(Uri registry, RegistryCredentials credentials, PushRetryOptions retry, TimeProvider timeProvider, IReleaseLog log, Redactor redactor, HttpMessageHandler? handler = null)
    {
        // A redirect followed inside the handler would reach a host no RegistryHostPolicy check has seen.
        if (handler is SocketsHttpHandler { AllowAutoRedirect: true } or HttpClientHandler { AllowAutoRedirect: true })
        {
            throw new ArgumentException("The registry transport must not follow redirects (set AllowAutoRedirect = false): every URL the registry names is checked before it is used.", nameof(handler));
        }

        _registry = registry;
        _credentials = credentials;
        _retry = retry;
        _timeProvider = timeProvider;
        _log = log;
        _redactor = redactor;
        var transport = handler ?? new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(new ResponseWatchHandler(transport, retry.ResponseTimeout, timeProvider))
        {
            // The pipeline's per-try timeout bounds every attempt and the response watch its silences; HttpClient's own would cut long uploads.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri Registry => _registry;

    /// <summary>Credential renewals during the push, over every repository.</summary>
    public int Renewals => _authenticators.Values.Sum(a => a.Renewals);

    /// <summary>The authenticator of a repository (tests read its counters).</summary>
    public RegistryAuthenticator? AuthenticatorFor(string repository) => _authenticators.GetValueOrDefault(repository);

    /// <summary>Authenticates for every repository (push and pull, plus pull on <paramref name="mountFrom"/>) right before the push.</summary>
    public Task AuthenticateAsync(IEnumerable<string> repositories, string? mountFrom, CancellationToken cancellationToken) =>
        AuthenticateAsync(repositories, mountFrom, pullOnly: false, cancellationToken);

    /// <summary>Authenticates for every repository; with <paramref name="pullOnly"/> (a reader, e.g. Verify) asks only <c>repository:&lt;r&gt;:pull</c>.</summary>
    public async Task AuthenticateAsync(IEnumerable<string> repositories, string? mountFrom, bool pullOnly, CancellationToken cancellationToken)
    {
        foreach (var repository in repositories.Distinct(StringComparer.Ordinal))
        {
            List<string> scopes = [$"repository:{repository}:{(pullOnly ? "pull" : "pull,push")}"];
            if (mountFrom is not null && mountFrom != repository)
            {
                scopes.Add($"repository:{mountFrom}:pull");
            }

            if (_authenticators.Remove(repository, out var old))
            {
                old.Dispose();
            }

            var authenticator = new RegistryAuthenticator(_http, _registry, scopes, _credentials, _timeProvider, _log, _redactor);
            _authenticators[repository] = authenticator;
            var runner = new RequestRunner(_retry, _timeProvider, authenticator, repository, _log, progress: null, RegistryFaultClassifier.Instance);
            await runner.RunAsync($"Authenticating to {_registry.Authority} for '{repository}'", authenticator.AuthenticateAsync, cancellationToken);
            _log.Information($"Registry: {authenticator.Describe()}");
        }
    }

    /// <summary>Pushes every image; returns one result per image, in order. Throws nothing for an image's failure: read the outcomes.</summary>
    public async Task<IReadOnlyList<ImageResult>> PushAsync(IReadOnlyList<RegistryImage> images, IReadOnlyList<string> tags, RegistryPushOptions options, CancellationToken cancellationToken)
    {
        var missing = images.Select(i => i.Repository).Where(r => !_authenticators.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            await AuthenticateAsync(missing, options.MountFrom, cancellationToken);
        }

        var hosts = new RegistryHostPolicy(_registry, options.UploadHosts);
        var results = new List<ImageResult>();
        await using var progress = new PushProgress(images.Sum(i => i.Image.TotalBytes), _timeProvider, _log, options.ProgressInterval);
        ImagePushFailedException? stopped = null;
        foreach (var (image, repository) in images)
        {
            if (stopped is not null)
            {
                results.Add(new ImageResult(image.Name, $"{_registry.Authority}/{repository}", tags, image.Root.Digest, image.TotalBytes, ArtifactOutcome.NotAttempted, TimeSpan.Zero, 0, image.Blobs.Count, 0, 0, "not attempted: an earlier image failed"));
                continue;
            }

            var authenticator = _authenticators[repository];
            var client = new RegistryClient(_http, hosts, repository, authenticator);
            var runner = new RequestRunner(_retry, _timeProvider, authenticator, repository, _log, progress, RegistryFaultClassifier.Instance);
            var pusher = new OciImagePusher(client, runner, progress, _timeProvider, options.ChunkSize, options.Concurrency);
            try
            {
                results.Add(await pusher.PushAsync(image, tags, options.MountFrom, cancellationToken));
            }
            catch (ImagePushFailedException failed)
            {
                results.Add(failed.Result);
                stopped = failed;
                if (failed.InnerException is OperationCanceledException)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }

        return results;
    }

    /// <summary>
    /// A client and a runner on the session <see cref="AuthenticateAsync(IEnumerable{string}, string?, bool, CancellationToken)"/>
    /// opened for <paramref name="repository"/>, for requests outside a push (a verifier's reads). No other host is allowed.
    /// </summary>
    public (RegistryClient Client, RequestRunner Runner) SessionFor(string repository)
    {
        var authenticator = _authenticators.GetValueOrDefault(repository) ?? throw new InvalidOperationException($"No session for '{repository}': authenticate first.");
        return (new RegistryClient(_http, new RegistryHostPolicy(_registry), repository, authenticator),
            new RequestRunner(_retry, _timeProvider, authenticator, repository, _log, progress: null, RegistryFaultClassifier.Instance));
    }

    public void Dispose()
    {
        foreach (var authenticator in _authenticators.Values)
        {
            authenticator.Dispose();
        }

        _http.Dispose();
    }
}
