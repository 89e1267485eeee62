namespace ReleaseTargets.Benchmark;

/// <summary>
/// Cancel a push (through the proxy, which counts what Azurite accepted) once about half the payload is staged,
/// then push the same release again with a new <see cref="ReleaseRun"/> and count what the re-run sends.
/// The plain SDK gets the same treatment once, for reference.
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
            using var cancel = new CancellationTokenSource();
            Task? watcher = null;
            try
            {
                await releaseTargets.PushAsync(payload.Directory, version, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true,
                    afterRefresh: () => watcher = CancelAtAsync(payload.TotalBytes, cancel), cancel.Token);
                throw new InvalidOperationException($"The push of {payload.MiB:0} MiB finished before {settings.ResumeCancelAt:P0} could be observed; use a larger payload.");
            }
            catch (Exception) when (cancel.IsCancellationRequested)
            {
                // Expected: cancelled mid-push.
            }

            await (watcher ?? Task.CompletedTask);
            await ProxyCounters.SettleAsync();
            var accepted = ProxyCounters.BytesAccepted(host.Proxy) / (double)payload.TotalBytes;

            host.Proxy.Reset();
            var outcome = await releaseTargets.PushAsync(payload.Directory, version, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
            await ProxyCounters.SettleAsync();
            var ratio = ProxyCounters.BytesSent(host.Proxy) / (double)payload.TotalBytes;
            staged.Add(accepted);
            resent.Add(ratio);
            seconds.Add(outcome.Push.TotalSeconds);
            output.WriteLine($"  #{rep + 1} ReleaseTargets: cancelled with {accepted:P0} staged; re-run sent {ratio:0.000}× payload in {outcome.Push.TotalSeconds:0.00} s ({outcome.Report.Artifacts.Sum(a => a.BlocksReused)} blocks reused)");
        }

        var plainRatio = await PlainSdkOnceAsync(payload);
        return new ResumeResults(payload.TotalBytes, settings.ResumeCancelAt, [.. staged], [.. resent], Stats.Median(resent), [.. seconds], plainRatio);
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
        output.WriteLine($"  plain SDK (reference): cancelled at ~{settings.ResumeCancelAt:P0}; re-run sent {ratio:0.000}× payload (random block IDs: nothing to resume)");
        return ratio;
    }

    private async Task CancelAtAsync(long payloadBytes, CancellationTokenSource cancel)
    {
        var threshold = (long)(payloadBytes * settings.ResumeCancelAt);
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
