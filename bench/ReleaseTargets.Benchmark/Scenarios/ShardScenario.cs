using System.Text.Json;
using ReleaseTargets.Configuration;
using ReleaseTargets.Seal;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Issue 13: a release pushed as 4 shards at once and sealed, against the same bytes pushed by one push; and the seal alone
/// for 4 and 32 shards of 50 artifacts each. Its own Azurite; every shard its own state folder. Run it alone with
/// <c>./build.sh Benchmark --scenarios=shards</c> (with <c>--smoke</c> for small sizes); raw samples go to <c>shards.json</c>
/// beside the results file.
/// </summary>
internal sealed class ShardScenario(BenchmarkSettings settings, BenchmarkHost host, QuietLog log, TextWriter output)
{
    public const string Name = "shards";

    private const int Shards = 4;
    private const int ArtifactsPerShard = 50;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private int _versions;

    public static Task<int> RunStandaloneAsync(BenchmarkSettings settings, TextWriter output) =>
        BenchmarkHost.RunStandaloneAsync(Name, settings, output, async (host, log) =>
        {
            var results = await new ShardScenario(settings, host, log, output).RunAsync();
            var path = Path.Combine(Path.GetDirectoryName(settings.OutputPath)!, "shards.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(results, Json));
            output.WriteLine($"Results: {path}");
        });

    public async Task<ShardResults> RunAsync()
    {
        var repetitions = Math.Max(1, settings.CleanRepetitions);
        var shardBytes = settings.LargeFileBytes / Shards;
        var payloads = new List<Payload>();
        for (var i = 0; i < Shards; i++)
        {
            payloads.Add(await Payload.CreateAsync(Path.Combine(host.Root, "shard-" + i), $"part{i}", 1, shardBytes, settings.Seed + 20 + i));
        }

        var whole = Path.Combine(host.Root, "whole");
        Directory.CreateDirectory(whole);
        foreach (var file in payloads.SelectMany(p => p.Files))
        {
            File.Copy(file, Path.Combine(whole, Path.GetFileName(file)));
        }

        var mib = payloads.Sum(p => p.MiB);
        output.WriteLine($"[7a] {Shards} shards × {shardBytes / 1048576d:0} MiB pushed concurrently + Seal vs one push of {mib:0} MiB ({repetitions} repetitions, alternating)");
        var (shardSeconds, shardBytesSent, sealSeconds, wholeSeconds, wholeBytesSent) = (new List<double>(), new List<long>(), new List<double>(), new List<double>(), new List<long>());
        await PushShardsAsync(payloads); // untimed warm-up of both paths
        await PushWholeAsync(whole);
        for (var r = 0; r < repetitions; r++)
        {
            var (sharded, sent, seal) = await PushShardsAsync(payloads);
            shardSeconds.Add(sharded);
            shardBytesSent.Add(sent);
            sealSeconds.Add(seal);
            var (single, singleSent) = await PushWholeAsync(whole);
            wholeSeconds.Add(single);
            wholeBytesSent.Add(singleSent);
            output.WriteLine($"  rep {r + 1}: sharded {sharded:0.00} s (seal {seal:0.00} s), {sent / 1048576d:0.0} MiB sent; single {single:0.00} s, {singleSent / 1048576d:0.0} MiB sent");
        }

        var sealCases = new List<SealCase>();
        foreach (var shards in new[] { 4, 32 })
        {
            output.WriteLine($"[7b] Seal of {shards} shards × {ArtifactsPerShard} artifacts (1 KiB each), {repetitions} repetitions");
            var folders = new List<string>();
            for (var i = 0; i < shards; i++)
            {
                folders.Add((await Payload.CreateAsync(Path.Combine(host.Root, $"seal-{shards}-{i}"), $"s{i}-f", ArtifactsPerShard, 1024, settings.Seed + 100 + i)).Directory);
            }

            var samples = new List<double>();
            for (var r = 0; r < repetitions; r++)
            {
                var version = NextVersion("seal");
                await Task.WhenAll(folders.Select((f, i) => PushAsync(f, version, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                var seconds = await SealAsync(version, shards);
                samples.Add(seconds);
                output.WriteLine($"  {shards} shards, rep {r + 1}: seal {seconds:0.000} s");
            }

            sealCases.Add(new SealCase(shards, ArtifactsPerShard, samples.ToArray(), Stats.Median(samples.ToArray())));
        }

        var results = new ShardResults(
            Shards, shardBytes, shardSeconds.ToArray(), shardBytesSent.ToArray(), sealSeconds.ToArray(), wholeSeconds.ToArray(), wholeBytesSent.ToArray(),
            Stats.Median(shardSeconds.ToArray()), Stats.Median(wholeSeconds.ToArray()), sealCases.ToArray());
        output.WriteLine($"  median: {Shards} shards + seal {results.MedianShardedSeconds:0.00} s vs one push {results.MedianWholeSeconds:0.00} s ({results.MedianShardedSeconds / results.MedianWholeSeconds:0.00}×); " +
            string.Join("; ", sealCases.Select(c => $"seal of {c.Shards} × {c.ArtifactsPerShard}: {c.MedianSeconds:0.000} s")));
        return results;
    }

    /// <returns>Wall time from the first shard's RefreshCredentials to the manifest; bytes the shards sent; the seal alone.</returns>
    private async Task<(double Seconds, long BytesSent, double SealSeconds)> PushShardsAsync(List<Payload> payloads)
    {
        var version = NextVersion("sharded");
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var sent = await Task.WhenAll(payloads.Select((p, i) => PushAsync(p.Directory, version, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var seal = await SealAsync(version, payloads.Count);
        return (time.GetElapsedTime(started).TotalSeconds, sent.Sum(), seal);
    }

    private async Task<(double Seconds, long BytesSent)> PushWholeAsync(string directory)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var sent = await PushAsync(directory, NextVersion("whole"), shard: null);
        return (time.GetElapsedTime(started).TotalSeconds, sent);
    }

    /// <summary>RefreshCredentials + Push of one folder, as one CI agent runs them (its own state folder).</summary>
    private async Task<long> PushAsync(string directory, string version, string? shard)
    {
        var run = new ReleaseRun(Options(version, o => o.ArtifactsDirectory = directory, o => o.Shard = shard, o => o.StateDirectory = Path.Combine(host.Root, "state-" + (shard ?? "whole"))), log, TimeProvider.System, new Dictionary<string, string>(), host.CreateTarget(viaProxy: false));
        try
        {
            await run.RefreshCredentialsAsync();
            return (await run.PushAsync()).BytesSent;
        }
        finally
        {
            await run.CompleteAsync(succeeded: true);
        }
    }

    /// <summary>The seal job: its own run (its own SAS), timed from start to manifest.</summary>
    private async Task<double> SealAsync(string version, int shards)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var run = new ReleaseRun(Options(version, o => o.ShardCount = shards, o => o.StateDirectory = Path.Combine(host.Root, "state-seal")), log, time, new Dictionary<string, string>(), host.CreateTarget(viaProxy: false));
        try
        {
            SealReport report = await run.SealAsync();
            if (report.Shards != shards)
            {
                throw new InvalidOperationException($"Sealed {report.Shards} shards, expected {shards}.");
            }

            return time.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            await run.CompleteAsync(succeeded: true);
        }
    }

    private ReleaseOptions Options(string version, params Action<ReleaseOptions>[] configure)
    {
        var options = new ReleaseOptions
        {
            ReleaseVersion = version,
            Container = BenchmarkHost.Container,
            Artifacts = "**/*",
            BlockSizeMiB = settings.BlockSizeMiB,
            Concurrency = settings.Concurrency,
            ProgressInterval = TimeSpan.Zero,
            SealTimeout = TimeSpan.FromMinutes(5),
        };
        foreach (var c in configure)
        {
            c(options);
        }

        return options;
    }

    private string NextVersion(string kind) => $"bench-{kind}-{Interlocked.Increment(ref _versions)}-{Guid.NewGuid():N}"[..32].TrimEnd('-');
}

/// <summary>Issue 13's measurements, raw samples next to medians.</summary>
public sealed record ShardResults(
    int Shards,
    long BytesPerShard,
    double[] ShardedSeconds,
    long[] ShardedBytesSent,
    double[] SealSecondsAfterPush,
    double[] WholeSeconds,
    long[] WholeBytesSent,
    double MedianShardedSeconds,
    double MedianWholeSeconds,
    SealCase[] Seals);

/// <summary>The seal alone (its own run: SAS, wait, verify, manifest) for shards × artifacts.</summary>
public sealed record SealCase(int Shards, int ArtifactsPerShard, double[] Seconds, double MedianSeconds);
