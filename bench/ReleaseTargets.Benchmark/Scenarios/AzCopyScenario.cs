using ReleaseTargets.Benchmark.AzCopy;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Issue 12: ReleaseTargets in a fresh process (RefreshCredentials + Push, start to exit) against AzCopy at its defaults
/// and tuned to 8 MiB × 16, each with and without <c>--put-md5</c>, on one Azurite, alternating, medians.
/// ReleaseTargets always sends MD5, so the fair comparison is with <c>--put-md5</c> (target ≥ 1.2×); without it ≥ 1.0×.
/// The minimal client runs in the same rotation as the limit each payload is compared with (issue 23).
/// </summary>
internal sealed class AzCopyScenario(AzCopyContender azCopy, IReadOnlyList<FreshProcessContender> releaseTargets, MinimalClientContender limit, TextWriter output)
{
    public async Task<AzCopyCase> RunAsync(string name, Payload payload, int repetitions)
    {
        var samples = new Dictionary<string, List<ProcessMeasurement>>();
        var inside = new Dictionary<string, List<FreshPushMeasurement>>();
        var contenders = new List<(string Name, Func<int, Task<ProcessMeasurement>> Run)>();
        foreach (var contender in releaseTargets)
        {
            inside[contender.Describe()] = [];
            contenders.Add((contender.Describe(), async rep =>
            {
                var measured = await contender.PushAsync(payload, $"azcopy-{Payload.Slug(name)}-{rep}-rt-{contender.Variant}");
                inside[contender.Describe()].Add(measured);
                return measured.Process;
            }));
        }

        contenders.AddRange(AzCopyContenders(payload, $"azcopy-{Payload.Slug(name)}", relay: null));
        var transfers = new List<double>();
        contenders.Add((MinimalClientContender.Name, async rep =>
        {
            var measured = await limit.PutAsync(payload, $"minimal-{Payload.Slug(name)}-{rep}");
            transfers.Add(measured.TransferSeconds);
            return measured.Process;
        }));

        for (var rep = 0; rep < repetitions; rep++)
        {
            for (var i = 0; i < contenders.Count; i++)
            {
                // Rotate who goes first so drift (page cache, Azurite's growing data) hits every contender alike.
                var (contender, run) = contenders[(i + rep) % contenders.Count];
                var measured = await run(rep);
                (samples.TryGetValue(contender, out var list) ? list : samples[contender] = []).Add(measured);
                output.WriteLine($"  #{rep + 1} {contender,-34} {measured.WallSeconds,7:0.00} s {payload.MiB / measured.WallSeconds,7:0.0} MiB/s  CPU {measured.CpuSeconds,5:0.00} s  peak {measured.PeakBytes / 1048576d,5:0} MiB");
            }
        }

        var series = samples.ToDictionary(s => s.Key, s => ProcessSeries.Of(s.Key, s.Value, payload.MiB));
        var ours = series[releaseTargets[0].Describe()];
        ProcessSeries Best(bool md5) => series.Values.Where(s => s.Contender.StartsWith("AzCopy", StringComparison.Ordinal) && s.Contender.EndsWith("--put-md5", StringComparison.Ordinal) == md5)
            .OrderBy(s => s.MedianWallSeconds).First();
        var bestMd5 = Best(md5: true);
        var bestPlain = Best(md5: false);
        var lowestPeak = series.Values.Where(s => s.Contender.StartsWith("AzCopy", StringComparison.Ordinal)).Min(s => s.MedianPeakBytes);
        var phases = inside.ToDictionary(
            p => p.Key,
            p => new FreshPhases(
                [.. p.Value.Select(m => m.ToMainSeconds)], [.. p.Value.Select(m => m.RefreshSeconds)], [.. p.Value.Select(m => m.PushSeconds)],
                Stats.Median(p.Value.Select(m => m.ToMainSeconds).ToArray()), Stats.Median(p.Value.Select(m => m.RefreshSeconds).ToArray()),
                Stats.Median(p.Value.Select(m => m.PushSeconds).ToArray())));
        var minimal = series[MinimalClientContender.Name];
        var transferMedian = Stats.Median([.. transfers]);
        var limitCase = new LimitCase(
            [.. transfers], transferMedian, minimal.MedianWallSeconds,
            transferMedian / phases[ours.Contender].MedianPushSeconds, minimal.MedianWallSeconds / ours.MedianWallSeconds);
        return new AzCopyCase(name, payload.TotalBytes, payload.Files.Count, [.. series.Values], phases,
            bestMd5.Contender, bestMd5.MedianWallSeconds / ours.MedianWallSeconds,
            bestPlain.Contender, bestPlain.MedianWallSeconds / ours.MedianWallSeconds,
            ours.MedianPeakBytes, lowestPeak) { Limit = limitCase };
    }

    /// <summary>
    /// Time from process start to the last response byte, both contenders through the same <see cref="LastByteRelay"/>:
    /// ReleaseTargets' last response is its manifest; AzCopy's is its last upload, ~0–2 s before it notices and exits.
    /// </summary>
    public async Task<LastByteSeries[]> RunToLastByteAsync(string name, Payload payload, int repetitions, LastByteRelay relay)
    {
        var samples = new Dictionary<string, List<double>>();
        var contenders = new List<(string Name, Func<int, Task<ProcessMeasurement>> Run)>
        {
            (releaseTargets[0].Describe(), async rep => (await releaseTargets[0].PushAsync(payload, $"lastbyte-{Payload.Slug(name)}-{rep}-rt", relay)).Process),
        };
        contenders.AddRange(AzCopyContenders(payload, $"lastbyte-{Payload.Slug(name)}", relay));

        for (var rep = 0; rep < repetitions; rep++)
        {
            for (var i = 0; i < contenders.Count; i++)
            {
                var (contender, run) = contenders[(i + rep) % contenders.Count];
                relay.Reset();
                var measured = await run(rep);
                var seconds = TimeProvider.System.GetElapsedTime(measured.StartTimestamp, relay.LastResponseTimestamp).TotalSeconds;
                (samples.TryGetValue(contender, out var list) ? list : samples[contender] = []).Add(seconds);
                output.WriteLine($"  #{rep + 1} {contender,-34} last response byte at {seconds,6:0.00} s (exit at {measured.WallSeconds:0.00} s, through the relay)");
            }
        }

        return [.. samples.Select(s => new LastByteSeries(s.Key, [.. s.Value], Stats.Median(s.Value.ToArray()), payload.MiB / Stats.Median(s.Value.ToArray())))];
    }

    /// <summary>AzCopy at its defaults and tuned, each with and without --put-md5; each run copies to its own prefix.</summary>
    private IEnumerable<(string Name, Func<int, Task<ProcessMeasurement>> Run)> AzCopyContenders(Payload payload, string prefix, LastByteRelay? relay) =>
        from tuning in new[] { AzCopyTuning.Defaults, AzCopyTuning.Tuned }
        from md5 in new[] { true, false }
        select (AzCopyContender.Describe(tuning, md5), (Func<int, Task<ProcessMeasurement>>)(rep =>
            azCopy.CopyAsync(payload, $"{prefix}-{rep}-{tuning}-{(md5 ? "md5" : "plain")}".ToLowerInvariant(), tuning, md5, relay)));
}
