namespace ReleaseTargets.Benchmark;

/// <summary>Clean throughput, straight to Azurite over HTTPS: ReleaseTargets vs the plain SDK at two tunings, alternating order.</summary>
internal sealed class CleanScenario(BenchmarkSettings settings, ReleaseTargetsContender releaseTargets, PlainSdkContender plain, TextWriter output)
{
    public async Task<CleanCase> RunAsync(string name, Payload payload, int repetitions)
    {
        var rt = new List<double>();
        var rtRefresh = new List<double>();
        var sdk = new List<double>();
        var sdkHigh = new List<double>();
        var rtHigh = new List<double>();
        var sdkChecks = new List<double>();
        var contenders = new Func<int, Task>[]
        {
            async rep =>
            {
                var outcome = await releaseTargets.PushAsync(payload.Directory, $"clean-{Payload.Slug(name)}-{rep}-rt", settings.BlockSizeMiB, settings.Concurrency, viaProxy: false);
                rt.Add(outcome.Push.TotalSeconds);
                rtRefresh.Add(outcome.Refresh.TotalSeconds);
                Print(rep, releaseTargets.Describe(settings.BlockSizeMiB, settings.Concurrency), outcome.Push, payload, $"(+{outcome.Refresh.TotalSeconds:0.00} s RefreshCredentials incl. MD5)");
            },
            async rep =>
            {
                var outcome = await plain.UploadAsync(payload.BlobsUnder($"clean-{name}-{rep}-sdk"), settings.BlockSizeMiB, settings.Concurrency, viaProxy: false);
                EnsureComplete(outcome);
                sdk.Add(outcome.Duration.TotalSeconds);
                Print(rep, PlainSdkContender.Describe(settings.BlockSizeMiB, settings.Concurrency), outcome.Duration, payload, "");
            },
            async rep =>
            {
                var outcome = await plain.UploadAsync(payload.BlobsUnder($"clean-{name}-{rep}-sdk-other"), settings.BlockSizeMiB, settings.OtherConcurrency, viaProxy: false);
                EnsureComplete(outcome);
                sdkHigh.Add(outcome.Duration.TotalSeconds);
                Print(rep, PlainSdkContender.Describe(settings.BlockSizeMiB, settings.OtherConcurrency), outcome.Duration, payload, "");
            },
            async rep =>
            {
                var outcome = await releaseTargets.PushAsync(payload.Directory, $"clean-{Payload.Slug(name)}-{rep}-rt-other", settings.BlockSizeMiB, settings.OtherConcurrency, viaProxy: false);
                rtHigh.Add(outcome.Push.TotalSeconds);
                Print(rep, releaseTargets.Describe(settings.BlockSizeMiB, settings.OtherConcurrency), outcome.Push, payload, "(tuning, not the target's contender)");
            },
            async rep =>
            {
                var outcome = await plain.UploadAsync(payload.BlobsUnder($"clean-{name}-{rep}-sdk-checks"), settings.BlockSizeMiB, settings.OtherConcurrency, viaProxy: false, withChecks: true);
                EnsureComplete(outcome);
                sdkChecks.Add(outcome.Duration.TotalSeconds);
                Print(rep, PlainSdkContender.Describe(settings.BlockSizeMiB, settings.OtherConcurrency) + " +HEADs", outcome.Duration, payload, "(diagnostic: + HEAD before and after each file)");
            },
        };

        for (var rep = 0; rep < repetitions; rep++)
        {
            // Rotate who goes first so drift (page cache, Azurite's growing data) hits every contender alike.
            for (var i = 0; i < contenders.Length; i++)
            {
                await contenders[(i + rep) % contenders.Length](rep);
            }
        }

        var rtSeries = Series.Of(releaseTargets.Describe(settings.BlockSizeMiB, settings.Concurrency), rt, payload.MiB);
        var sdkSeries = Series.Of(PlainSdkContender.Describe(settings.BlockSizeMiB, settings.Concurrency), sdk, payload.MiB);
        var sdkHighSeries = Series.Of(PlainSdkContender.Describe(settings.BlockSizeMiB, settings.OtherConcurrency), sdkHigh, payload.MiB);
        var best = Math.Max(sdkSeries.MedianMiBPerSecond, sdkHighSeries.MedianMiBPerSecond);
        var withRefresh = payload.MiB / Stats.Median(rt.Zip(rtRefresh, (p, r) => p + r).ToArray());
        return new CleanCase(name, payload.TotalBytes, payload.Files.Count, rtSeries, [.. rtRefresh], sdkSeries, sdkHighSeries,
            rtSeries.MedianMiBPerSecond / best, withRefresh / best,
            Series.Of(releaseTargets.Describe(settings.BlockSizeMiB, settings.OtherConcurrency), rtHigh, payload.MiB),
            Series.Of(PlainSdkContender.Describe(settings.BlockSizeMiB, settings.OtherConcurrency) + " + HEAD before/after each file", sdkChecks, payload.MiB));
    }

    private static void EnsureComplete(PlainSdkOutcome outcome)
    {
        if (outcome.FailedFiles > 0)
        {
            throw new InvalidOperationException($"The plain SDK failed {outcome.FailedFiles} file(s) without any injected fault.");
        }
    }

    private void Print(int rep, string contender, TimeSpan duration, Payload payload, string note) =>
        output.WriteLine($"  #{rep + 1} {contender,-28} {duration.TotalSeconds,7:0.00} s {payload.MiB / duration.TotalSeconds,7:0.0} MiB/s {note}");
}
