using System.Security.Cryptography.X509Certificates;
using Azure;
using Azure.Storage.Blobs;
using ReleaseTargets;
using ReleaseTargets.Emulator;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Resilience;

/// <summary>
/// <c>fetch &lt;container uri&gt; &lt;cert.pem&gt; &lt;sas file&gt; &lt;manifest.json&gt; &lt;to&gt; &lt;concurrency&gt;</c>: one Fetch in a
/// process of its own, so a test can SIGKILL it mid-file and prove the re-run fetches only the missing ranges.
/// </summary>
internal static class FetchRelease
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 6)
        {
            Console.Error.WriteLine("usage: ReleaseTargets.PushProcess fetch <container-uri> <cert.pem> <sas-file> <manifest.json> <to> <concurrency>");
            return 2;
        }

        var handler = PinnedCertificateHandler.Create(X509Certificate2.CreateFromPem(File.ReadAllText(args[1])).RawData);
        var options = new StorageTarget(new Uri(args[0]), new EmulatorTokenCredential(TimeProvider.System, Guid.NewGuid()), handler, IsEmulator: true)
            .CreateClientOptions(new PushRetryOptions(), TimeProvider.System);
        var container = new BlobContainerClient(new Uri(args[0]), new AzureSasCredential(File.ReadAllText(args[2]).Trim()), options);
        var manifest = ReleaseManifest.FromJson(File.ReadAllText(args[3])) ?? throw new InvalidOperationException("unreadable manifest");
        var fetcher = new ReleaseFetcher(container, NoRenewal.Instance, new PushRetryOptions(), int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), TimeProvider.System, new ConsoleLog());
        try
        {
            Console.WriteLine("fetching");
            var result = await fetcher.FetchAsync(manifest, args[4], FetchConstants.AllArtifacts);
            result.ThrowIfFailed(args[4]);
            return 0;
        }
        catch (ReleaseTargetsException failed)
        {
            Console.Error.WriteLine(failed.Message);
            return 1;
        }
    }
}
