using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using ReleaseTargets.Emulator;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// The one Azurite every contender pushes to, the fault proxy in front of it, and the clients of both contenders:
/// ReleaseTargets gets a <see cref="StorageTarget"/>; the plain SDK gets a user-delegation SAS minted once, as a
/// hand-written script would.
/// </summary>
internal sealed class BenchmarkHost : IAsyncDisposable
{
    public const string Container = "bench";

    private readonly Uri _sasContainerDirect;
    private readonly Uri _sasContainerProxied;

    private BenchmarkHost(AzuriteEmulator emulator, FaultProxy proxy, string root, string sas)
    {
        Emulator = emulator;
        Proxy = proxy;
        Root = root;
        _sasContainerDirect = new BlobUriBuilder(emulator.BlobServiceUri) { BlobContainerName = Container, Query = sas }.ToUri();
        _sasContainerProxied = new BlobUriBuilder(ProxiedServiceUri) { BlobContainerName = Container, Query = sas }.ToUri();
    }

    public AzuriteEmulator Emulator { get; }

    public FaultProxy Proxy { get; }

    /// <summary>Scratch folder of this run (payloads, Azurite data, ReleaseTargets state); deleted on dispose.</summary>
    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, "release-state");

    /// <summary>The blob service as seen through the fault proxy.</summary>
    public Uri ProxiedServiceUri => new(Proxy.BaseUri, "/" + Emulator.AccountName);

    /// <summary>The container with the plain SDK's SAS in its query: what a user hands AzCopy.</summary>
    public Uri SasContainerUri => _sasContainerDirect;

    /// <summary>Azurite's certificate (public part, PEM) for child processes to pin.</summary>
    public string CertificatePemPath => Path.Combine(Root, "azurite.pem");

    public static async Task<BenchmarkHost> StartAsync(string root, string installDirectory, QuietLog log)
    {
        var emulator = await AzuriteEmulator.StartAsync(
            new AzuriteOptions { StateDirectory = Path.Combine(root, "azurite"), InstallDirectory = installDirectory }, log, TimeProvider.System);
        try
        {
            var proxy = await FaultProxy.StartAsync(emulator.BlobServiceUri, emulator.CreatePinnedHandler());
            var service = new BlobServiceClient(emulator.BlobServiceUri, emulator.CreateTokenCredential(), new BlobClientOptions { Transport = emulator.CreateTransport() });
            await service.GetBlobContainerClient(Container).CreateIfNotExistsAsync();
            var now = TimeProvider.System.GetUtcNow();
            var key = (await service.GetUserDelegationKeyAsync(now.AddMinutes(-15), now.AddHours(6), CancellationToken.None)).Value;
            var builder = new BlobSasBuilder
            {
                BlobContainerName = Container,
                Resource = "c",
                StartsOn = now.AddMinutes(-15),
                ExpiresOn = now.AddHours(6),
                Protocol = SasProtocol.Https,
            };
            builder.SetPermissions(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Create | BlobContainerSasPermissions.List);
            var sas = builder.ToSasQueryParameters(key, emulator.AccountName).ToString();
            var host = new BenchmarkHost(emulator, proxy, root, sas);
            await File.WriteAllTextAsync(host.CertificatePemPath, emulator.Certificate.ExportCertificatePem());
            return host;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>ReleaseTargets' target; with <paramref name="viaProxy"/> its SAS data requests go through the fault proxy.</summary>
    public StorageTarget CreateTarget(bool viaProxy) =>
        new(Emulator.BlobServiceUri, Emulator.CreateTokenCredential(), Emulator.CreatePinnedHandler(), IsEmulator: true)
        {
            DataServiceUri = viaProxy ? ProxiedServiceUri : null,
        };

    /// <summary>
    /// What a user writes by hand: the SDK's default retry policy (5 retries, exponential from 0.8 s) — it stays on,
    /// since that is what the plain SDK gives — MD5 transfer validation (Azurite stores CRC64 bodies encoded).
    /// </summary>
    public BlobContainerClient CreatePlainContainer(bool viaProxy)
    {
        var options = new BlobClientOptions { Transport = Emulator.CreateTransport() };
        options.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        return new BlobContainerClient(viaProxy ? _sasContainerProxied : _sasContainerDirect, options);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    /// <summary>
    /// A scenario that runs on an Azurite of its own and writes its own results file: a scratch folder, the host, the body;
    /// a failure is printed with the log's tail and exits 1; the scratch folder is deleted whatever happens.
    /// </summary>
    public static Task<int> RunStandaloneAsync(string name, BenchmarkSettings settings, TextWriter output, Func<BenchmarkHost, QuietLog, Task> body) =>
        RunInScratchAsync(name, output, async (root, log) =>
        {
            await using var host = await StartAsync(root, settings.AzuriteInstallDirectory, log);
            await body(host, log);
        });

    /// <summary>The same without a host: the body starts what it needs (the scale scenario starts an Azurite per size).</summary>
    public static async Task<int> RunInScratchAsync(string name, TextWriter output, Func<string, QuietLog, Task> body)
    {
        var root = Directory.CreateTempSubdirectory($"releasetargets-bench-{name}-").FullName;
        var log = new QuietLog(output);
        try
        {
            await body(root, log);
            return 0;
        }
        catch (Exception exception)
        {
            output.WriteLine($"Benchmark failed: {exception}");
            output.WriteLine(log.Tail);
            return 1;
        }
        finally
        {
            MemoryScenario.TryDelete(root);
        }
    }

    /// <summary>A standalone scenario's results: <paramref name="fileName"/> (JSON) and its table (.md) beside results.json, the table printed.</summary>
    public static async Task WriteResultsAsync<T>(BenchmarkSettings settings, string fileName, T results, string table, TextWriter output)
    {
        var path = Path.Combine(Path.GetDirectoryName(settings.OutputPath)!, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, System.Text.Json.JsonSerializer.Serialize(results, ResultsJson));
        output.WriteLine();
        output.WriteLine(table);
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".md"), table);
        output.WriteLine($"Results: {path}");
    }

    private static readonly System.Text.Json.JsonSerializerOptions ResultsJson = new(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true };
}
