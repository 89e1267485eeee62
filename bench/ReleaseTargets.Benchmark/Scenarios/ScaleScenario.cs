using System.Text;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Issue 23's scale scenario: ReleaseTargets in a fresh process (RefreshCredentials + Push, start to exit, as the AzCopy
/// rows run it) on 1,000 / 4,000 / 16,000 files of 1 KiB, each size on a fresh Azurite so an earlier size's blobs do
/// not slow the next one's listing. Targets: seconds per 1,000 files at the largest size no worse than at the smallest,
/// and peak RSS growing by ≤ 2 KiB per file between them. Writes scale.json beside results.json.
/// </summary>
internal sealed class ScaleScenario(BenchmarkSettings settings, (string Executable, string Variant) build, string root, QuietLog log, TextWriter output)
{
    public const string Name = "scale";

    /// <summary>The issue's bound on what each file may add to the peak resident set.</summary>
    public const double TargetKiBPerFile = 2;

    /// <summary>
    /// Not <see cref="BenchmarkHost.RunStandaloneAsync"/>: that keeps one Azurite for the whole body, and every size
    /// here starts its own.
    /// </summary>
    public static Task<int> RunStandaloneAsync(BenchmarkSettings settings, TextWriter output) =>
        BenchmarkHost.RunInScratchAsync(Name, output, async (root, log) =>
        {
            // ReadyToRun as build.sh publishes the module (JIT in smoke runs): the same program the AzCopy rows run.
            var builds = await FreshProcessBuilds.PrepareAsync(settings, RepositoryRoot.Find(), root, output);
            output.WriteLine($"[scale] Fresh process start → exit, RefreshCredentials + Push of {string.Join(" / ", settings.ScaleFileCounts)} files of {settings.ScaleFileBytes} B, a fresh Azurite each (issue 23)");
            var results = await new ScaleScenario(settings, builds[0], root, log, output).RunAsync();
            await BenchmarkHost.WriteResultsAsync(settings, "scale.json", results, Format(results), output);
        });

    public async Task<ScaleResults> RunAsync()
    {
        var cases = new List<ScaleCase>();
        var seed = settings.Seed + 50;
        foreach (var files in settings.ScaleFileCounts)
        {
            var payload = await Payload.CreateAsync(Path.Combine(root, $"scale-{files}"), "f", files, settings.ScaleFileBytes, seed++);
            var hostRoot = Path.Combine(root, $"host-{files}");
            Directory.CreateDirectory(hostRoot);
            try
            {
                await using var host = await BenchmarkHost.StartAsync(hostRoot, settings.AzuriteInstallDirectory, log);
                var contender = new FreshProcessContender(build.Executable, build.Variant, host);
                var runs = new List<FreshPushMeasurement>();
                for (var rep = 0; rep < settings.AzCopyRepetitions; rep++)
                {
                    var measured = await contender.PushAsync(payload, $"scale-{files}-{rep}");
                    runs.Add(measured);
                    var p = measured.Process;
                    output.WriteLine($"  #{rep + 1} {files,6} files: {p.WallSeconds,6:0.00} s ({p.WallSeconds * 1000 / files,5:0.00} s per 1,000)  RefreshCredentials {measured.RefreshSeconds,5:0.00} s  Push {measured.PushSeconds,5:0.00} s  CPU {p.CpuSeconds,5:0.00} s  peak {p.PeakBytes / 1048576d,5:0} MiB");
                }

                cases.Add(ScaleCase.Of(files, settings.ScaleFileBytes, $"ReleaseTargets ({build.Variant})", runs, payload.MiB));
            }
            finally
            {
                MemoryScenario.TryDelete(payload.Directory);
                MemoryScenario.TryDelete(hostRoot);
            }
        }

        return ScaleResults.Of(build.Variant, [.. cases]);
    }

    public static string Format(ScaleResults results)
    {
        var s = new StringBuilder();
        s.AppendLine($"| Scale, fresh process start → exit (ReleaseTargets {results.Variant}) | Start → exit | Per 1,000 files | RefreshCredentials | Push | Peak RSS |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in results.Cases)
        {
            s.AppendLine($"| {c.Files:N0} × {c.BytesEach} B (median of {c.Process.WallSeconds.Length}) | {c.Process.MedianWallSeconds:0.00} s | {c.SecondsPerThousandFiles:0.00} s | "
                + $"{c.MedianRefreshSeconds:0.00} s | {c.MedianPushSeconds:0.00} s | {c.Process.MedianPeakBytes / 1048576d:0} MiB |");
        }

        if (results.Cases.Length >= 2)
        {
            var (first, last) = (results.Cases[0], results.Cases[^1]);
            s.AppendLine();
            s.AppendLine($"Seconds per 1,000 files, {last.Files:N0} vs {first.Files:N0}: {last.SecondsPerThousandFiles:0.00} vs {first.SecondsPerThousandFiles:0.00} s "
                + $"(target: no worse) — {(results.TimeMet ? "met" : "**not met**")}.");
            s.AppendLine($"Peak RSS growth, {first.Files:N0} → {last.Files:N0} files: {results.GrowthKiBPerFile:0.00} KiB per file "
                + $"(target ≤ {TargetKiBPerFile:0} KiB) — {(results.MemoryMet ? "met" : "**not met**")}.");
        }

        return s.ToString();
    }
}

/// <param name="SecondsPerThousandFiles">Median start → exit seconds × 1,000 ÷ files.</param>
/// <param name="MedianRefreshSeconds">RefreshCredentials inside the process (MD5 of every file, token, key, SAS).</param>
/// <param name="MedianPushSeconds">Push inside the process (claim, listing, uploads, verification, manifest, report).</param>
public sealed record ScaleCase(int Files, long BytesEach, ProcessSeries Process, double SecondsPerThousandFiles, double MedianToMainSeconds, double MedianRefreshSeconds, double MedianPushSeconds)
{
    internal static ScaleCase Of(int files, long bytesEach, string contender, IReadOnlyList<FreshPushMeasurement> runs, double payloadMiB)
    {
        var process = ProcessSeries.Of(contender, [.. runs.Select(r => r.Process)], payloadMiB);
        return new ScaleCase(files, bytesEach, process, process.MedianWallSeconds * 1000 / files,
            Stats.Median(runs.Select(r => r.ToMainSeconds).ToArray()), Stats.Median(runs.Select(r => r.RefreshSeconds).ToArray()), Stats.Median(runs.Select(r => r.PushSeconds).ToArray()));
    }
}

/// <param name="GrowthKiBPerFile">(median peak RSS at the largest size − at the smallest) ÷ (file count difference), in KiB.</param>
/// <param name="TimeMet">Seconds per 1,000 files at the largest size ≤ at the smallest.</param>
/// <param name="MemoryMet"><paramref name="GrowthKiBPerFile"/> ≤ <see cref="ScaleScenario.TargetKiBPerFile"/>.</param>
public sealed record ScaleResults(string Variant, ScaleCase[] Cases, double GrowthKiBPerFile, bool TimeMet, bool MemoryMet)
{
    internal static ScaleResults Of(string variant, ScaleCase[] cases)
    {
        if (cases.Length < 2)
        {
            return new ScaleResults(variant, cases, 0, TimeMet: true, MemoryMet: true);
        }

        var (first, last) = (cases[0], cases[^1]);
        var growth = (last.Process.MedianPeakBytes - first.Process.MedianPeakBytes) / 1024d / (last.Files - first.Files);
        return new ScaleResults(variant, cases, growth, last.SecondsPerThousandFiles <= first.SecondsPerThousandFiles, growth <= ScaleScenario.TargetKiBPerFile);
    }
}
