using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>
/// A real docker-registry on loopback with the fault proxy in front (the registry names the proxy in its upload
/// Locations, so every request of a push passes the proxy), a temp folder for layouts, and a push helper.
/// </summary>
internal sealed class RegistryHarness : IAsyncDisposable
{
    /// <summary>Small chunks so every layer takes several PATCH requests.</summary>
    public const int ChunkSize = 256 * 1024;

    private readonly RegistryAuthMode _auth;

    private RegistryHarness(DockerRegistry registry, FaultProxy proxy, RegistryAuthMode auth)
    {
        Registry = registry;
        Proxy = proxy;
        _auth = auth;
        Root = Directory.CreateTempSubdirectory("rt-oci-").FullName;
    }

    public DockerRegistry Registry { get; }

    public FaultProxy Proxy { get; }

    public string Root { get; }

    public CapturingLog Log { get; } = new();

    public TokenServer? Tokens => Registry.Tokens;

    public PushRetryOptions Retry { get; set; } = new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        RetryAfterCap = TimeSpan.FromSeconds(10),
        PerTryTimeout = TimeSpan.FromSeconds(60),
    };

    public RegistryCredentials Credentials => _auth == RegistryAuthMode.None ? RegistryCredentials.Anonymous : new RegistryCredentials(DockerRegistry.Username, DockerRegistry.Password);

    /// <summary>The last publisher used (its authenticators' counters).</summary>
    public RegistryPublisher? Publisher { get; private set; }

    public static async Task<RegistryHarness> StartAsync(RegistryAuthMode auth, TokenServer? tokens = null)
    {
        var port = DockerRegistry.FreePort();
        var proxy = await FaultProxy.StartAsync(new Uri($"http://127.0.0.1:{port}"), new SocketsHttpHandler());
        try
        {
            var registry = await DockerRegistry.StartAsync(auth, publicPort: proxy.BaseUri.Port, port: port, tokens: tokens);
            return new RegistryHarness(registry, proxy, auth);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a layout with random layers; returns the folder and the manifest digest.</summary>
    public async Task<(string Directory, string Digest)> WriteLayoutAsync(string name, int seed, params long[] layerSizes)
    {
        var directory = Path.Combine(Root, name);
        var digest = await OciLayoutWriter.WriteAsync(directory, seed, layerSizes);
        return (directory, digest);
    }

    public async Task<ImageResult> PushAsync(string layout, string repository, params string[] tags) =>
        (await PushAllAsync([new RegistryImage(await OciLayoutReader.ReadAsync(layout, Path.GetFileName(layout), CancellationToken.None), repository)], tags))[0];

    public async Task<IReadOnlyList<ImageResult>> PushAllAsync(IReadOnlyList<RegistryImage> images, IReadOnlyList<string> tags, string? mountFrom = null, CancellationToken cancellationToken = default)
    {
        Publisher?.Dispose();
        Publisher = new RegistryPublisher(Proxy.BaseUri, Credentials, Retry, TimeProvider.System, Log, new Redactor());
        await Publisher.AuthenticateAsync(images.Select(i => i.Repository), mountFrom, cancellationToken);
        return await Publisher.PushAsync(images, tags, new RegistryPushOptions { ChunkSize = ChunkSize, Concurrency = 2, ProgressInterval = TimeSpan.Zero, MountFrom = mountFrom }, cancellationToken);
    }

    /// <summary>Requests the proxy saw whose path contains <paramref name="path"/> (and of <paramref name="method"/> when given).</summary>
    public int Count(string path, string? method = null) =>
        Proxy.Count(r => r.Path.Contains(path, StringComparison.Ordinal) && (method is null || r.Method == method));

    /// <summary>Body bytes of PATCH requests that reached the registry.</summary>
    public long PatchBytesForwarded() => Proxy.Requests.Where(r => r.Method == "PATCH").Sum(r => r.BodyBytesForwarded);

    public async ValueTask DisposeAsync()
    {
        Publisher?.Dispose();
        await Proxy.DisposeAsync();
        await Registry.DisposeAsync();
        AzuriteFixture.DeleteDirectory(Root);
    }
}
