using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using ReleaseTargets;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Emulator;

// Usage: <azurite service uri> <azurite cert.pem> <container> <artifacts dir> <version> <state dir>
// Prints "timing main=<s> refresh=<s> push=<s>": seconds from process start to Main, RefreshCredentials, Push.
// With "fetch" first, <artifacts dir> is the folder the release is fetched into; prints "fetched files=<n> bytes=<n>".
var fetch = args is ["fetch", ..];
args = fetch ? args[1..] : args;
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: ReleaseTargets.PushOnce [fetch] <service-uri> <cert.pem> <container> <artifacts|to> <version> <state>");
    return 2;
}

var time = TimeProvider.System;
var toMain = time.GetUtcNow() - Process.GetCurrentProcess().StartTime.ToUniversalTime();
var handler = PinnedCertificateHandler.Create(X509Certificate2.CreateFromPem(File.ReadAllText(args[1])).RawData);
var target = new StorageTarget(new Uri(args[0]), new EmulatorTokenCredential(time, Guid.NewGuid()), handler, IsEmulator: true);
var options = new ReleaseOptions
{
    Container = args[2],
    ArtifactsDirectory = fetch ? "." : args[3],
    FetchDirectory = fetch ? args[3] : string.Empty,
    Artifacts = "**/*",
    ReleaseVersion = args[4],
    StateDirectory = args[5],
    ProgressInterval = TimeSpan.Zero,
};

if (fetch)
{
    await using var reader = new ReleaseRun(options, new ErrorsOnlyLog(), time, new Dictionary<string, string>(), target);
    var began = time.GetTimestamp();
    var fetched = await reader.FetchAsync();
    var stage = time.GetElapsedTime(began);
    await reader.CompleteAsync(succeeded: true);
    // The whole Fetch stage (manifest, key, SAS, download, verification) and, inside it, the download itself.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fetched files={fetched.Files.Count} bytes={fetched.TotalBytes} main={toMain.TotalSeconds:0.000} stage={stage.TotalSeconds:0.000} download={fetched.Duration.TotalSeconds:0.000}"));
    return 0;
}

await using var run = new ReleaseRun(options, new ErrorsOnlyLog(), time, new Dictionary<string, string>(), target);
var started = time.GetTimestamp();
await run.RefreshCredentialsAsync();
var refresh = time.GetElapsedTime(started);
started = time.GetTimestamp();
await run.PushAsync();
var push = time.GetElapsedTime(started);
await run.CompleteAsync(succeeded: true);
if (Environment.GetEnvironmentVariable("PUSHONCE_VERBOSE") == "1")
{
    Console.Error.WriteLine($"{(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds:0.000} completed run");
    Console.Error.WriteLine($"gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} allocated={GC.GetTotalAllocatedBytes() / 1048576.0:0.0} MiB jit={System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} ms");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timing main={toMain.TotalSeconds:0.000} refresh={refresh.TotalSeconds:0.000} push={push.TotalSeconds:0.000}"));
return 0;

// PUSHONCE_VERBOSE=1: every line, stamped with the seconds since process start (for profiling by hand).
internal sealed class ErrorsOnlyLog : IReleaseLog
{
    private static readonly bool Verbose = Environment.GetEnvironmentVariable("PUSHONCE_VERBOSE") == "1";

    public void Write(ReleaseLogLevel level, string message)
    {
        if (Verbose)
        {
            var since = DateTime.Now - Process.GetCurrentProcess().StartTime;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{since.TotalSeconds:0.000} {message}"));
        }
        else if (level >= ReleaseLogLevel.Warning)
        {
            Console.Error.WriteLine(message);
        }
    }
}
