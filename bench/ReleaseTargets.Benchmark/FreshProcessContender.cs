using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// ReleaseTargets as a user's build runs it, in a fresh process from start to exit: bench/ReleaseTargets.PushOnce does
/// RefreshCredentials (hash, token, key, SAS) + Push (claim, upload, verify, manifest) against the running Azurite at the
/// defaults (8 MiB × 16), with the runtime settings build.sh exports (DOTNET_TieredPGO=0, DOTNET_TC_CallCountThreshold=1000). <see cref="Variant"/> names how
/// that program was compiled (JIT, or ReadyToRun as build.sh publishes the module).
/// </summary>
internal sealed partial class FreshProcessContender(string executable, string variant, BenchmarkHost host)
{
    public string Variant => variant;

    public string Describe() => $"ReleaseTargets ({variant})";

    /// <param name="relay">Send through this relay (to time the last response), or straight to Azurite.</param>
    public async Task<FreshPushMeasurement> PushAsync(Payload payload, string version, LastByteRelay? relay = null, CancellationToken cancellationToken = default)
    {
        var state = Path.Combine(host.Root, "fresh-state", version);
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { (relay?.Through(host.Emulator.BlobServiceUri) ?? host.Emulator.BlobServiceUri).ToString(), host.CertificatePemPath, BenchmarkHost.Container, payload.Directory, version, state },
        };
        var (run, timing) = await MeteredProcess.RunContenderAsync(start, TimingLine(), Describe(), cancellationToken);
        double Seconds(string name) => double.Parse(timing.Groups[name].Value, CultureInfo.InvariantCulture);
        MemoryScenario.TryDelete(state);
        return new FreshPushMeasurement(run, Seconds("main"), Seconds("refresh"), Seconds("push"));
    }

    [GeneratedRegex(@"timing main=(?<main>[0-9.]+) refresh=(?<refresh>[0-9.]+) push=(?<push>[0-9.]+)")]
    private static partial Regex TimingLine();
}

/// <param name="ToMainSeconds">Process start to the first line of Main (runtime start-up).</param>
/// <param name="RefreshSeconds">RefreshCredentials inside the process (MD5 of every artifact, token, key, SAS).</param>
/// <param name="PushSeconds">Push inside the process (claim, listing, uploads, verification, manifest).</param>
internal sealed record FreshPushMeasurement(ProcessMeasurement Process, double ToMainSeconds, double RefreshSeconds, double PushSeconds);
