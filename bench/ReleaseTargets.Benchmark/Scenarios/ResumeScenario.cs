using System.Globalization;
using System.Text;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Kill a push process (SIGKILL, through the proxy, which counts what Azurite accepted) once about half the payload is
/// staged, then push the same release again with a new <see cref="ReleaseRun"/> and count what the re-run sends.
/// The plain SDK gets the same treatment once, for reference (cancelled in-process: with random block IDs it has
/// nothing to resume either way).
/// </summary>
internal sealed class ResumeScenario(BenchmarkSettings settings, BenchmarkHost host, ReleaseTargetsContender releaseTargets, PlainSdkContender plain, TextWriter output)
{
    public async Task<ResumeResults> RunAsync(Payload payload)
    {
        var staged = new List<double>();
        var resent = new List<double>();
        var seconds = new List<double>();
        for (var rep = 0; rep < settings.ResumeRepetitions; rep++)
        {
            var version = $"resume-{rep}-rt";
            host.Proxy.Reset();
            await KillAtAsync(payload, version, rep);
            await ProxyCounters.SettleAsync();
            var accepted = ProxyCounters.BytesAccepted(host.Proxy) / (double)payload.TotalBytes;

            host.Proxy.Reset();
            var outcome = await releaseTargets.PushAsync(payload.Directory, version, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
            await ProxyCounters.SettleAsync();
            var ratio = ProxyCounters.BytesSent(host.Proxy) / (double)payload.TotalBytes;
            staged.Add(accepted);
            resent.Add(ratio);
            seconds.Add(outcome.Push.TotalSeconds);
            output.WriteLine($"  #{rep + 1} ReleaseTargets: killed with {accepted:P0} staged; re-run sent {ratio:0.000}× payload in {outcome.Push.TotalSeconds:0.00} s ({outcome.Report.Artifacts.Sum(a => a.BlocksReused)} blocks reused, {outcome.Report.Retries} retries: resent bytes count every attempt)");
        }

        var plainRatio = await PlainSdkOnceAsync(payload);
        return new ResumeResults(payload.TotalBytes, settings.ResumeKillAt, [.. staged], [.. resent], Stats.Median(resent), [.. seconds], plainRatio);
    }

    private async Task<double> PlainSdkOnceAsync(Payload payload)
    {
        var blobs = payload.BlobsUnder("resume-sdk");
        host.Proxy.Reset();
        using var cancel = new CancellationTokenSource();
        var watcher = CancelAtAsync(payload.TotalBytes, cancel);
        try
        {
            await plain.UploadAsync(blobs, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }

        await watcher;
        host.Proxy.Reset();
        await plain.UploadAsync(blobs, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
        await ProxyCounters.SettleAsync();
        var ratio = ProxyCounters.BytesSent(host.Proxy) / (double)payload.TotalBytes;
        output.WriteLine($"  plain SDK (reference): cancelled at ~{settings.ResumeKillAt:P0}; re-run sent {ratio:0.000}× payload (random block IDs: nothing to resume)");
        return ratio;
    }

    private async Task KillAtAsync(Payload payload, string version, int rep)
    {
        var log = new StringBuilder();
        using var child = ChildProcess.Start(PushChild.Verb, [
            host.Emulator.BlobServiceUri.ToString(), host.ProxiedServiceUri.ToString(), host.CertificatePemPath, payload.Directory, version,
            Path.Combine(host.Root, $"resume-child-{rep}"), settings.BlockSizeMiB.ToString(CultureInfo.InvariantCulture), settings.Concurrency.ToString(CultureInfo.InvariantCulture)], log);
        var exited = child.WaitForExitAsync();
        var threshold = (long)(payload.TotalBytes * settings.ResumeKillAt);
        while (ProxyCounters.BytesAccepted(host.Proxy) < threshold)
        {
            if (exited.IsCompleted)
            {
                throw new InvalidOperationException($"The push process exited with {child.ExitCode} before {settings.ResumeKillAt:P0} was staged; use a larger payload.{Environment.NewLine}{log}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }

        child.Kill(entireProcessTree: true);
        await exited;
    }

    private async Task CancelAtAsync(long payloadBytes, CancellationTokenSource cancel)
    {
        var threshold = (long)(payloadBytes * settings.ResumeKillAt);
        while (!cancel.IsCancellationRequested)
        {
            if (ProxyCounters.BytesAccepted(host.Proxy) >= threshold)
            {
                await cancel.CancelAsync();
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
