using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using ReleaseTargets;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Emulator;

if (args is ["registry", ..])
{
    return await RegistryPush.RunAsync(args[1..]);
}

if (args is ["fetch", ..])
{
    return await FetchRelease.RunAsync(args[1..]);
}

// Usage: <azurite service uri> <data uri through the proxy> <azurite cert.pem> <artifacts dir> <version> <state dir> [--shard=<name>] [--seal=<a,b,c>] [--seal-timeout=<seconds>]
// With --seal the process seals the release (no artifacts are read) instead of pushing.
var extra = args.Skip(6).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty);
if (args.Length < 6 || extra.Keys.Except(["--shard", "--seal", "--seal-timeout"]).Any())
{
    Console.Error.WriteLine("usage: ReleaseTargets.PushProcess <service-uri> <data-uri> <cert.pem> <artifacts> <version> <state> [--shard=<name>] [--seal=<a,b,c>] [--seal-timeout=<seconds>]");
    return 2;
}

var handler = PinnedCertificateHandler.Create(X509Certificate2.CreateFromPem(File.ReadAllText(args[2])).RawData);
var target = new StorageTarget(new Uri(args[0]), new EmulatorTokenCredential(TimeProvider.System, Guid.NewGuid()), handler, IsEmulator: true)
{
    DataServiceUri = new Uri(args[1]),
};
var options = new ReleaseOptions
{
    ArtifactsDirectory = args[3],
    ReleaseVersion = args[4],
    StateDirectory = args[5],
    BlockSizeMiB = 1,
    Concurrency = 1,
    ProgressInterval = TimeSpan.Zero,
    Shard = extra.GetValueOrDefault("--shard"),
    Shards = extra.GetValueOrDefault("--seal"),
    SealTimeout = TimeSpan.FromSeconds(double.Parse(extra.GetValueOrDefault("--seal-timeout", "30"), System.Globalization.CultureInfo.InvariantCulture)),
};

await using var run = new ReleaseRun(options, new ConsoleLog(), TimeProvider.System, new Dictionary<string, string>(), target);
try
{
    if (options.Shards is not null)
    {
        await run.SealAsync();
        await run.CompleteAsync(succeeded: true);
        return 0;
    }

    await run.RefreshCredentialsAsync();
    Console.WriteLine("pushing");
    await run.PushAsync();
    await run.CompleteAsync(succeeded: true);
    return 0;
}
catch (ReleaseTargetsException failed)
{
    // What a user would see: the message, and exit 1 (as Cake exits for a failed task).
    Console.Error.WriteLine(failed.Message);
    await run.CompleteAsync(succeeded: false);
    return 1;
}

internal sealed class ConsoleLog : IReleaseLog
{
    public void Write(ReleaseLogLevel level, string message) => Console.WriteLine(message);
}
