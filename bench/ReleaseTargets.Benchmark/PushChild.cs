using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using ReleaseTargets.Configuration;
using ReleaseTargets.Emulator;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// A ReleaseTargets push in a process of its own, so the resume scenario can kill it (SIGKILL: no cancellation, no
/// cleanup, exactly what a cancelled CI job or a lost agent does). It pushes through the parent's fault proxy so the
/// parent counts what Azurite accepted.
/// </summary>
internal static class PushChild
{
    public const string Verb = "--push-child";

    /// <summary>Printed once credentials are minted and the upload is about to start.</summary>
    public const string PushingLine = "pushing";

    public static async Task<int> RunAsync(string[] args)
    {
        var (service, data, certificate, artifacts, version, state) = (args[1], args[2], args[3], args[4], args[5], args[6]);
        var blockSizeMiB = int.Parse(args[7], CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args[8], CultureInfo.InvariantCulture);
        var handler = PinnedCertificateHandler.Create(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate)).RawData);
        var target = new StorageTarget(new Uri(service), new EmulatorTokenCredential(TimeProvider.System, Guid.NewGuid()), handler, IsEmulator: true)
        {
            DataServiceUri = new Uri(data),
        };
        var options = new ReleaseOptions
        {
            ReleaseVersion = version,
            Container = BenchmarkHost.Container,
            ArtifactsDirectory = artifacts,
            Artifacts = "**/*",
            StateDirectory = state,
            BlockSizeMiB = blockSizeMiB,
            Concurrency = concurrency,
            ProgressInterval = TimeSpan.Zero,
        };

        await using var run = new ReleaseRun(options, new QuietLog(Console.Error), TimeProvider.System, new Dictionary<string, string>(), target);
        await run.RefreshCredentialsAsync();
        Console.WriteLine(PushingLine);
        await run.PushAsync();
        await run.CompleteAsync(succeeded: true);
        return 0;
    }
}
