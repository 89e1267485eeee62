namespace ReleaseTargets.Benchmark;

/// <summary>Peak working set of a ReleaseTargets push of a small vs a large file, each in a fresh child process, alternating.</summary>
internal sealed class MemoryScenario(BenchmarkSettings settings, BenchmarkHost host, TextWriter output)
{
    public const string Method =
        "child process per push (own Azurite, not counted): Process.PeakWorkingSet64 (VmHWM, whole child lifetime) at the end; "
        + "also WorkingSet64 sampled every 20 ms during RefreshCredentials + Push";

    public async Task<MemoryResults> RunAsync()
    {
        var small = await Payload.CreateAsync(Path.Combine(host.Root, "memory-small"), "small", 1, settings.MemorySmallBytes, settings.Seed + 3);
        var large = await Payload.CreateAsync(Path.Combine(host.Root, "memory-large"), "large", 1, settings.MemoryLargeBytes, settings.Seed + 4);
        var samples = new Dictionary<Payload, List<MemorySample>> { [small] = [], [large] = [] };
        for (var rep = 0; rep < settings.MemoryRepetitions; rep++)
        {
            foreach (var payload in rep % 2 == 0 ? new[] { small, large } : [large, small])
            {
                var state = Path.Combine(host.Root, $"memory-child-{rep}-{payload.MiB:0}");
                var sample = await MemoryChild.MeasureAsync(payload.Directory, settings.AzuriteInstallDirectory, state, settings.BlockSizeMiB, settings.Concurrency);
                TryDelete(state);
                samples[payload].Add(sample);
                output.WriteLine($"  #{rep + 1} {payload.MiB,6:0} MiB: peak working set {sample.PeakWorkingSetBytes / 1048576d,6:0} MiB (sampled during push {sample.SampledPeakWorkingSetBytes / 1048576d,6:0} MiB), push {sample.PushSeconds:0.00} s; "
                    + $"at the end: managed allocated {Mib(sample.AllocatedBytes)}, GC committed {Mib(sample.ManagedCommittedBytes)}, RSS anon {Mib(sample.RssAnonymousBytes)} / file {Mib(sample.RssFileBytes)} / shmem (JIT code) {Mib(sample.RssSharedBytes)} MiB");
            }
        }

        TryDelete(small.Directory);
        TryDelete(large.Directory);
        var smallCase = ToCase(small, samples[small]);
        var largeCase = ToCase(large, samples[large]);
        return new MemoryResults(Method, settings.BlockSizeMiB, settings.Concurrency, smallCase, largeCase,
            largeCase.MedianPeakWorkingSetBytes / (double)smallCase.MedianPeakWorkingSetBytes);
    }

    private static string Mib(long bytes) => (bytes / 1048576d).ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private static MemoryCase ToCase(Payload payload, List<MemorySample> samples)
    {
        long[] peaks = [.. samples.Select(s => s.PeakWorkingSetBytes)];
        return new MemoryCase(payload.TotalBytes, peaks, [.. samples.Select(s => s.SampledPeakWorkingSetBytes)], [.. samples.Select(s => s.PushSeconds)], Stats.Median(peaks));
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
