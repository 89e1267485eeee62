using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Configuration;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// A real push through the fault proxy into the collection's Azurite: artifacts on disk, a proxy in front of the
/// data requests, and the checks every fault test makes (MD5 equals source, committed blocks equal the plan,
/// manifest whole or absent).
/// </summary>
internal sealed class PushHarness : IAsyncDisposable
{
    public const int BlockSize = 1024 * 1024;

    private readonly AzuriteFixture _azurite;
    private readonly string _root;

    private PushHarness(AzuriteFixture azurite, FaultProxy proxy, string root)
    {
        _azurite = azurite;
        Proxy = proxy;
        _root = root;
        Version = "1.0." + Guid.NewGuid().ToString("N")[..8];
    }

    public FaultProxy Proxy { get; }

    public string Version { get; set; }

    public string Container { get; set; } = "releases";

    public string ArtifactsDirectory => Path.Combine(_root, "artifacts");

    /// <summary>Where the push writes its JSON report: the state folder of <see cref="Options"/>.</summary>
    public string ReportPath => Path.Combine(_root, "state", PushReportWriter.JsonFileName);

    public CapturingLog Log { get; private set; } = new();

    /// <summary>Environment variables the run sees (e.g. GITHUB_STEP_SUMMARY).</summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>Treat Azurite as a real account (shared history in the container) rather than the local emulator.</summary>
    public bool AsRealAccount { get; set; }

    public ReleaseRun? LastRun { get; private set; }

    public static async Task<PushHarness> StartAsync(AzuriteFixture azurite, params (string Name, int Bytes)[] files)
    {
        var proxy = await FaultProxy.StartAsync(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreatePinnedHandler());
        var harness = new PushHarness(azurite, proxy, Directory.CreateTempSubdirectory("rt-push-").FullName);
        Directory.CreateDirectory(harness.ArtifactsDirectory);
        foreach (var (name, bytes) in files)
        {
            var content = new byte[bytes];
            new Random(name.GetHashCode(StringComparison.Ordinal) ^ bytes).NextBytes(content);
            await File.WriteAllBytesAsync(Path.Combine(harness.ArtifactsDirectory, name), content);
        }

        return harness;
    }

    /// <summary>Options fast enough for tests: small blocks, millisecond backoff.</summary>
    public ReleaseOptions Options(Action<ReleaseOptions>? configure = null)
    {
        var options = new ReleaseOptions
        {
            ReleaseVersion = Version,
            Container = Container,
            ArtifactsDirectory = ArtifactsDirectory,
            StateDirectory = Path.Combine(_root, "state"),
            BlockSizeMiB = 1,
            Concurrency = 4,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            ProgressInterval = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <param name="options">Null: <see cref="Options"/> with its defaults.</param>
    /// <param name="afterRefresh">Runs between RefreshCredentials and Push (e.g. to change an artifact after it was hashed).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<PushReport> PushAsync(ReleaseOptions? options = null, Func<Task>? afterRefresh = null, CancellationToken cancellationToken = default)
    {
        Log = new CapturingLog();
        var target = new StorageTarget(_azurite.Emulator.BlobServiceUri, _azurite.Emulator.CreateTokenCredential(), _azurite.Emulator.CreatePinnedHandler(), IsEmulator: !AsRealAccount)
        {
            DataServiceUri = new Uri(Proxy.BaseUri, "/" + _azurite.Emulator.AccountName),
        };
        var run = new ReleaseRun(options ?? Options(), Log, TimeProvider.System, Environment, target);
        LastRun = run;
        try
        {
            await run.RefreshCredentialsAsync(cancellationToken);
            if (afterRefresh is not null)
            {
                await afterRefresh();
            }

            return await run.PushAsync(cancellationToken);
        }
        finally
        {
            await run.CompleteAsync(succeeded: true);
        }
    }

    public BlobContainerClient Direct => _azurite.CreateTokenClient().GetBlobContainerClient(Container);

    public string PathOf(string name) => Path.Combine(ArtifactsDirectory, name);

    public int PutBlocks => Proxy.Count(r => r.Comp == "block" && r.Method == "PUT");

    /// <summary>Every artifact's blob has the source's MD5, computed here from the bytes read back (not the stored header).</summary>
    public async Task AssertBlobMatchesSourceAsync(string name)
    {
        var blob = Direct.GetBlobClient($"{Version}/{name}");
        var downloaded = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        var source = await File.ReadAllBytesAsync(PathOf(name));
        Assert.Equal(MD5.HashData(source), MD5.HashData(downloaded));
        Assert.Equal(MD5.HashData(source), (await blob.GetPropertiesAsync()).Value.ContentHash);
    }

    /// <summary>The committed block list is exactly the deterministic plan, in order.</summary>
    public async Task AssertCommittedBlocksEqualPlanAsync(string name)
    {
        var hashed = await ArtifactSet.Discover(ArtifactsDirectory, name, Version).HashAsync(BlockSize);
        var plan = BlockPlan.For(Assert.Single(hashed.Artifacts));
        var list = (await Direct.GetBlockBlobClient($"{Version}/{name}").GetBlockListAsync(BlockListTypes.Committed)).Value;
        Assert.Equal(plan.BlockIds, list.CommittedBlocks.Select(b => b.Name));
        Assert.Equal(plan.Blocks.Select(b => (long)b.Length), list.CommittedBlocks.Select(b => b.SizeLong));
    }

    /// <summary>
    /// The uncommitted blocks the service holds for an artifact, read until the list stops changing: after a client
    /// gives up (cancelled, killed) the proxy may still complete a block it was forwarding.
    /// </summary>
    public Task<List<string>> StableUncommittedAsync(string name) => StableUncommittedAsync(Direct.GetBlockBlobClient($"{Version}/{name}"));

    /// <summary>The uncommitted block list of <paramref name="client"/> once two reads 0.5 s apart agree.</summary>
    public static async Task<List<string>> StableUncommittedAsync(BlockBlobClient client)
    {
        var previous = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var current = (await client.GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Select(b => b.Name).ToList();
            if (i > 0 && current.SequenceEqual(previous))
            {
                return current;
            }

            previous = current;
            await Task.Delay(500);
        }

        return previous;
    }

    public async Task<bool> ExistsAsync(string blobName) => (await Direct.GetBlobClient(blobName).ExistsAsync()).Value;

    public async Task AssertManifestCompleteAsync(params string[] names)
    {
        var manifest = ReleaseManifest.FromJson((await Direct.GetBlobClient(ReleaseManifest.BlobNameFor(Version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.NotNull(manifest);
        Assert.Equal(names.Order(StringComparer.Ordinal), manifest.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal));
        foreach (var artifact in manifest.Artifacts)
        {
            Assert.Equal(Convert.ToBase64String(MD5.HashData(await File.ReadAllBytesAsync(PathOf(artifact.Name)))), artifact.Md5);
            Assert.DoesNotContain("sig=", artifact.Url.ToString(), StringComparison.Ordinal);
        }
    }

    public async Task AssertManifestAbsentAsync() => Assert.False(await ExistsAsync(ReleaseManifest.BlobNameFor(Version)));

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        AzuriteFixture.DeleteDirectory(_root);
    }
}
