using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReleaseTargets.Emulator;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Runs in a child process of its own: starts its own Azurite (another process, so not counted), pushes one artifacts
/// folder with ReleaseTargets, and prints one JSON line: the process's lifetime peak working set (VmHWM) and the
/// highest working set sampled every 20 ms during RefreshCredentials + Push.
/// </summary>
internal static class MemoryChild
{
    public const string Verb = "--memory-child";

    public static async Task<int> RunAsync(string[] args)
    {
        var (artifacts, install, state) = (args[1], args[2], args[3]);
        var blockSizeMiB = int.Parse(args[4], CultureInfo.InvariantCulture);
        var concurrency = int.Parse(args[5], CultureInfo.InvariantCulture);
        var log = new QuietLog(Console.Error);
        var time = TimeProvider.System;
        await using var emulator = await AzuriteEmulator.StartAsync(new AzuriteOptions { StateDirectory = Path.Combine(state, "azurite"), InstallDirectory = install }, log, time);
        var target = new StorageTarget(emulator.BlobServiceUri, emulator.CreateTokenCredential(), emulator.CreatePinnedHandler(), IsEmulator: true);
        var options = new Configuration.ReleaseOptions
        {
            ReleaseVersion = "memory",
            Container = BenchmarkHost.Container,
            ArtifactsDirectory = artifacts,
            StateDirectory = Path.Combine(state, "release-state"),
            BlockSizeMiB = blockSizeMiB,
            Concurrency = concurrency,
            ProgressInterval = TimeSpan.Zero,
        };

        using var process = Process.GetCurrentProcess();
        long sampled = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                sampled = Math.Max(sampled, process.WorkingSet64);
                await Task.Delay(TimeSpan.FromMilliseconds(20), time);
            }
        });

        var run = new ReleaseRun(options, log, time, new Dictionary<string, string>(), target);
        var started = time.GetTimestamp();
        await run.RefreshCredentialsAsync();
        var pushStarted = time.GetTimestamp();
        await run.PushAsync();
        var push = time.GetElapsedTime(pushStarted);
        await run.CompleteAsync(succeeded: true);
        await stop.CancelAsync();
        await sampler;
        process.Refresh();
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        var status = ProcStatusKilobytes();
        Console.WriteLine(JsonSerializer.Serialize(new MemorySample(process.PeakWorkingSet64, sampled, push.TotalSeconds, time.GetElapsedTime(started).TotalSeconds)
        {
            ManagedCommittedBytes = gc.TotalCommittedBytes,
            ManagedHeapBytes = gc.HeapSizeBytes,
            Threads = process.Threads.Count,
            Gen2Collections = GC.CollectionCount(2),
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true),
            RssAnonymousBytes = status.GetValueOrDefault("RssAnon") * 1024,
            RssFileBytes = status.GetValueOrDefault("RssFile") * 1024,
            RssSharedBytes = status.GetValueOrDefault("RssShmem") * 1024,
        }));
        return 0;
    }

    /// <summary>The <c>kB</c> lines of <c>/proc/self/status</c>, read once (one consistent snapshot); empty where there is no procfs.</summary>
    private static Dictionary<string, long> ProcStatusKilobytes()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!File.Exists("/proc/self/status"))
        {
            return values;
        }

        foreach (var line in File.ReadAllLines("/proc/self/status"))
        {
            var parts = line.Split([':', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && parts[2] == "kB" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                values[parts[0]] = kb;
            }
        }

        return values;
    }

    /// <summary>Starts this program again in child mode and reads its JSON line.</summary>
    public static async Task<MemorySample> MeasureAsync(string artifacts, string install, string state, int blockSizeMiB, int concurrency)
    {
        var output = new StringBuilder();
        using var child = ChildProcess.Start(Verb, [artifacts, install, state, blockSizeMiB.ToString(CultureInfo.InvariantCulture), concurrency.ToString(CultureInfo.InvariantCulture)], output);
        await child.WaitForExitAsync();
        string[] lines;
        lock (output)
        {
            lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var result = lines.LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"The memory child exited with {child.ExitCode}: {string.Join(Environment.NewLine, lines)}");
        }

        return JsonSerializer.Deserialize<MemorySample>(result) ?? throw new InvalidOperationException("The memory child printed no result.");
    }
}

public sealed record MemorySample(long PeakWorkingSetBytes, long SampledPeakWorkingSetBytes, double PushSeconds, double TotalSeconds)
{
    /// <summary>Memory the GC had committed at the end (its share of the working set).</summary>
    public long ManagedCommittedBytes { get; init; }

    /// <summary>Managed heap size after the last collection.</summary>
    public long ManagedHeapBytes { get; init; }

    /// <summary>OS threads of the process at the end (each adds touched stack pages to the working set).</summary>
    public int Threads { get; init; }

    public int Gen2Collections { get; init; }

    /// <summary>Everything the process allocated on the managed heap over its life (garbage included).</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Anonymous resident memory at the end (GC heap, JIT code, native allocations, stacks).</summary>
    public long RssAnonymousBytes { get; init; }

    /// <summary>File-backed resident memory at the end (runtime and assembly images).</summary>
    public long RssFileBytes { get; init; }

    /// <summary>Shared resident memory at the end: on Linux the runtime's double-mapped (W^X) JIT code lives here.</summary>
    public long RssSharedBytes { get; init; }
}
