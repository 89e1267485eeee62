using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Fetch;

/// <summary>
/// A published release in the collection's Azurite (blobs uploaded with the token, the manifest built here), a fault proxy
/// in front of the SAS-authorised reads, and an empty destination folder with an empty sibling to prove nothing escapes.
/// </summary>
internal sealed class FetchHarness : IAsyncDisposable
{
    private readonly AzuriteFixture _azurite;
    private readonly string _root;
    private readonly List<ManifestArtifact> _artifacts = [];

    private FetchHarness(AzuriteFixture azurite, FaultProxy proxy, string root)
    {
        _azurite = azurite;
        Proxy = proxy;
        _root = root;
        Directory.CreateDirectory(Destination);
        Directory.CreateDirectory(Outside);
    }

    public FaultProxy Proxy { get; }

    public string Container { get; } = "fetch" + Guid.NewGuid().ToString("N")[..12];

    public string Version { get; } = "1.0." + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The --to folder.</summary>
    public string Destination => Path.Combine(_root, "to");

    /// <summary>A sibling of the destination that must stay empty.</summary>
    public string Outside => Path.Combine(_root, "outside");

    public Dictionary<string, byte[]> Content { get; } = new(StringComparer.Ordinal);

    public CapturingLog Log { get; } = new();

    public BlobContainerClient Direct => _azurite.CreateTokenClient().GetBlobContainerClient(Container);

    public ReleaseManifest Manifest => new(Version, DateTimeOffset.UtcNow, _artifacts.ToList(), new Dictionary<string, double>());

    public static async Task<FetchHarness> StartAsync(AzuriteFixture azurite, params (string Name, int Bytes)[] files)
    {
        var proxy = await FaultProxy.StartAsync(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreatePinnedHandler());
        var harness = new FetchHarness(azurite, proxy, Directory.CreateTempSubdirectory("rt-fetch-").FullName);
        await harness.Direct.CreateIfNotExistsAsync();
        foreach (var (name, bytes) in files)
        {
            await harness.PublishAsync(name, bytes);
        }

        return harness;
    }

    /// <summary>Uploads random bytes as <c>&lt;version&gt;/&lt;name&gt;</c> and lists them in the manifest, with SHA-256.</summary>
    public async Task PublishAsync(string name, int bytes)
    {
        var content = RandomBytes(name, bytes);
        await UploadAsync(name, content);
        Content[name] = content;
        _artifacts.Add(new ManifestArtifact(name, bytes, Convert.ToBase64String(MD5.HashData(content)), new Uri("https://example.invalid/" + name), Convert.ToHexStringLower(SHA256.HashData(content))));
    }

    /// <summary>Re-publishes <paramref name="name"/> with other bytes of the same length: a new blob and a new manifest entry.</summary>
    public async Task RepublishAsync(string name, string seed)
    {
        var bytes = Content[name].Length;
        _artifacts.RemoveAll(a => a.Name == name);
        var content = RandomBytes(seed, bytes);
        await UploadAsync(name, content);
        Content[name] = content;
        _artifacts.Add(new ManifestArtifact(name, bytes, Convert.ToBase64String(MD5.HashData(content)), new Uri("https://example.invalid/" + name), Convert.ToHexStringLower(SHA256.HashData(content))));
    }

    /// <summary>Lists <paramref name="name"/> in the manifest without any blob behind it (a crafted entry).</summary>
    public void List(string name, int bytes = 10) =>
        _artifacts.Add(new ManifestArtifact(name, bytes, Convert.ToBase64String(new byte[16]), new Uri("https://example.invalid/x")));

    public Task UploadAsync(string name, byte[] content) =>
        Direct.GetBlobClient($"{Version}/{name}").UploadAsync(BinaryData.FromBytes(content), overwrite: true);

    public static byte[] RandomBytes(string seed, int bytes)
    {
        var content = new byte[bytes];
        new Random(seed.GetHashCode(StringComparison.Ordinal) ^ bytes).NextBytes(content);
        return content;
    }

    public Task<string> SasAsync(TimeSpan lifetime) =>
        _azurite.CreateUserDelegationSasAsync(Container, BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.Add(lifetime));

    /// <summary>A container client through the proxy, authorised only by <paramref name="sas"/>.</summary>
    public BlobContainerClient SasContainer(AzureSasCredential sas) =>
        new(new Uri(Proxy.BaseUri, $"/{_azurite.Emulator.AccountName}/{Container}"), sas, _azurite.CreateClientOptions());

    public static PushRetryOptions FastRetry => new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) };

    /// <summary>Fetches with a fresh one-hour read SAS (or <paramref name="credential"/>) through the proxy.</summary>
    public async Task<FetchReport> FetchAsync(int concurrency = 4, string globs = "**/*", TestSasCredential? credential = null, CancellationToken cancellationToken = default)
    {
        credential ??= new TestSasCredential(await SasAsync(TimeSpan.FromHours(1)), () => SasAsync(TimeSpan.FromHours(1)));
        var fetcher = new ReleaseFetcher(SasContainer(credential.Credential), credential, FastRetry, concurrency, TimeProvider.System, Log);
        try
        {
            return await fetcher.FetchAsync(Manifest, Destination, globs, cancellationToken);
        }
        finally
        {
            await SettleAsync();
        }
    }

    /// <summary>
    /// The proxy logs a request just after answering it, so the last GETs of a fetch that has returned may not be counted
    /// yet: wait until the log stops growing (a count taken at once raced it, KilledFetchTests saw 17 of 18).
    /// </summary>
    public async Task SettleAsync()
    {
        for (var (last, still) = (-1, 0); still < 3; await Task.Delay(30))
        {
            var now = Proxy.Count();
            (last, still) = (now, now == last ? still + 1 : 0);
        }
    }

    /// <summary>GETs of blobs (ranged reads), as the proxy saw them.</summary>
    public int BlobGets(string? name = null) =>
        Proxy.Count(r => r.Method == "GET" && r.BlobName is { } b && (name is null || b == $"{Version}/{name}"));

    /// <summary>Every file under the destination, relative, '/'-separated, sorted (links listed, not followed).</summary>
    public List<string> FilesIn(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => File.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .Select(p => Path.GetRelativePath(folder, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public void AssertFetched(string name) =>
        Assert.Equal(Content[name], File.ReadAllBytes(Path.Combine(Destination, name)));

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        AzuriteFixture.DeleteDirectory(_root);
    }
}
