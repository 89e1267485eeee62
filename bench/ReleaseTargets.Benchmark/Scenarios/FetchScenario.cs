using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using ReleaseTargets.Benchmark.AzCopy;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// Issue 22: Fetch in a fresh process (read the manifest, mint a read-only SAS, ranged GETs, MD5 + SHA-256 of every file
/// before it is moved into place) against <c>azcopy copy '&lt;container&gt;/&lt;version&gt;/*' DIR --check-md5 FailIfDifferent</c>,
/// start to exit, alternating, medians, each run into a fresh empty folder on one Azurite. Target ≥ 1.2× AzCopy.
/// Runs on an Azurite of its own and writes fetch.json beside results.json.
/// </summary>
internal sealed partial class FetchScenario(BenchmarkSettings settings, BenchmarkHost host, AzCopyTool azCopy, string fetchOnce, TextWriter output)
{
    public const string Name = "fetch";

    public static Task<int> RunStandaloneAsync(BenchmarkSettings settings, TextWriter output) =>
        BenchmarkHost.RunStandaloneAsync(Name, settings, output, async (host, _) =>
        {
            var tool = await AzCopyTool.InstallAsync(RepositoryRoot.Find(), settings.AzCopyInstallDirectory, host.CertificatePemPath);
            if (tool.Path is null)
            {
                output.WriteLine($"Fetch benchmark skipped: {tool.SkipReason}");
                return;
            }

            // ReadyToRun as build.sh publishes the module (JIT in smoke runs): the same program the push rows run.
            var builds = await FreshProcessBuilds.PrepareAsync(settings, RepositoryRoot.Find(), host.Root, output);
            output.WriteLine("[fetch] Fresh process start → exit: ./build.sh Fetch's work vs azcopy copy --check-md5 FailIfDifferent (issue 22)");
            var results = await new FetchScenario(settings, host, tool, builds[0].Executable, output).RunAsync();
            await BenchmarkHost.WriteResultsAsync(settings, "fetch.json", results, Format(results), output);
        });

    public async Task<FetchResults> RunAsync()
    {
        var cases = new List<FetchCase>();
        var seed = settings.Seed + 40;
        // The issue's payloads (1 × 512 MiB and 200 × 1 MiB in full runs): the 5000-file one is a push-side row.
        foreach (var (files, bytesEach) in settings.AzCopyPayloads.Where(p => p.Files <= 200))
        {
            var name = files == 1 ? $"1 × {bytesEach / 1048576} MiB" : $"{files} × {bytesEach / 1048576d:0.##} MiB";
            var payload = await Payload.CreateAsync(Path.Combine(host.Root, "fetch-" + files), "f", files, bytesEach, seed++);
            var version = "fetch-" + Payload.Slug(name);
            await PushAsync(payload, version);
            MemoryScenario.TryDelete(payload.Directory);
            cases.Add(await MeasureAsync(name, payload, version));
        }

        return new FetchResults(AzCopyTool.PinnedVersion, [.. cases]);
    }

    private async Task<FetchCase> MeasureAsync(string name, Payload payload, string version)
    {
        var samples = new Dictionary<string, List<ProcessMeasurement>> { [Ours] = [], [Theirs] = [] };
        var phases = new List<Phases>();
        var contenders = new (string Name, Func<string, Task<ProcessMeasurement>> Run)[] { (Ours, to => FetchAsync(version, to)), (Theirs, to => AzCopyAsync(version, to, payload.Files.Count)) };
        for (var rep = 0; rep < settings.AzCopyRepetitions; rep++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                // Rotate who goes first so page cache and Azurite's state hit both alike.
                var (contender, run) = contenders[(i + rep) % contenders.Length];
                var to = Path.Combine(host.Root, "fetched", $"{Payload.Slug(name)}-{rep}-{i}");
                var measured = await run(to);
                EnsureWhole(to, payload);
                MemoryScenario.TryDelete(to);
                samples[contender].Add(measured);
                var inside = FetchedLine().Match(measured.Output) is { Success: true } line ? Phases.Of(line) : null;
                if (inside is not null)
                {
                    phases.Add(inside);
                }

                output.WriteLine($"  #{rep + 1} {contender,-44} {measured.WallSeconds,7:0.00} s {payload.MiB / measured.WallSeconds,7:0.0} MiB/s  CPU {measured.CpuSeconds,5:0.00} s  peak {measured.PeakBytes / 1048576d,5:0} MiB" +
                    (inside is null ? "" : $"  (to Main {inside.Main:0.00} s, Fetch stage {inside.Stage:0.00} s, of it download {inside.Download:0.00} s)"));
            }
        }

        var ours = ProcessSeries.Of(Ours, samples[Ours], payload.MiB);
        var theirs = ProcessSeries.Of(Theirs, samples[Theirs], payload.MiB);
        return new FetchCase(name, payload.TotalBytes, payload.Files.Count, ours, theirs, theirs.MedianWallSeconds / ours.MedianWallSeconds,
            Stats.Median(phases.Select(p => p.Main).ToArray()), Stats.Median(phases.Select(p => p.Stage).ToArray()), Stats.Median(phases.Select(p => p.Download).ToArray()));
    }

    private const string Ours = "ReleaseTargets Fetch";

    private const string Theirs = "AzCopy --check-md5 FailIfDifferent";

    private async Task PushAsync(Payload payload, string version)
    {
        var start = new ProcessStartInfo(fetchOnce) { ArgumentList = { host.Emulator.BlobServiceUri.ToString(), host.CertificatePemPath, BenchmarkHost.Container, payload.Directory, version, Path.Combine(host.Root, "push-state", version) } };
        var run = await MeteredProcess.RunAsync(start);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"Pushing the fetch payload failed: {run.Output[^Math.Min(run.Output.Length, 2000)..]}");
        }
    }

    /// <summary>ReleaseTargets' fetch as a user's build runs it: PushOnce's <c>fetch</c> verb (Fetch stage at the defaults, runtime settings of build.sh).</summary>
    private async Task<ProcessMeasurement> FetchAsync(string version, string to)
    {
        var start = new ProcessStartInfo(fetchOnce) { ArgumentList = { "fetch", host.Emulator.BlobServiceUri.ToString(), host.CertificatePemPath, BenchmarkHost.Container, to, version, Path.Combine(host.Root, "fetch-state", Guid.NewGuid().ToString("N")) } };
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment["DOTNET_TC_CallCountThreshold"] = "1000";
        var run = await MeteredProcess.RunAsync(start);
        return run.ExitCode == 0 && FetchedLine().IsMatch(run.Output) ? run : throw new InvalidOperationException($"{Ours} exited {run.ExitCode}: {run.Output[^Math.Min(run.Output.Length, 2000)..]}");
    }

    /// <summary>AzCopy as a consumer runs it to download a release with the MD5 check: every file must complete.</summary>
    private async Task<ProcessMeasurement> AzCopyAsync(string version, string to, int files)
    {
        Directory.CreateDirectory(to);
        // The wildcard must reach AzCopy unescaped (a BlobUriBuilder writes it as %2A, a blob of that name).
        var container = host.SasContainerUri;
        var source = $"{container.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{version}/*{container.Query}";
        var start = new ProcessStartInfo(azCopy.Path!)
        {
            ArgumentList = { "copy", source, to, "--from-to", "BlobLocal", "--check-md5", "FailIfDifferent", "--output-type", "json" },
        };
        AzCopyTool.AddEnvironment(start, host.CertificatePemPath, host.Root);
        var run = await MeteredProcess.RunAsync(start);
        // The release folder also holds the manifest and SHA256SUMS: AzCopy downloads them too.
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"AzCopy exited {run.ExitCode} for {files} files: {run.Output[^Math.Min(run.Output.Length, 2000)..]}");
    }

    /// <summary>A sample counts only if every payload file arrived whole (its content both tools check against MD5).</summary>
    private static void EnsureWhole(string to, Payload payload)
    {
        foreach (var (name, length) in payload.Files.Select(f => (Path.GetFileName(f), payload.TotalBytes / payload.Files.Count)))
        {
            var fetched = new FileInfo(Path.Combine(to, name));
            if (!fetched.Exists || fetched.Length != length)
            {
                throw new InvalidOperationException($"'{name}' is missing from {to} or not whole.");
            }
        }
    }

    public static string Format(FetchResults results)
    {
        var s = new StringBuilder();
        s.AppendLine($"| Fetch, fresh process start → exit (AzCopy {results.AzCopyVersion}) | ReleaseTargets Fetch | AzCopy `--check-md5 FailIfDifferent` | Ratio (target ≥ 1.2×) | Met |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var c in results.Cases)
        {
            s.AppendLine(ResultTable.Row(
                $"{c.Payload} (median of {c.ReleaseTargets.WallSeconds.Length})",
                $"{c.ReleaseTargets.MedianWallSeconds:0.00} s, {c.ReleaseTargets.MedianMiBPerSecond:0.0} MiB/s, CPU {c.ReleaseTargets.MedianCpuSeconds:0.0} s, peak {c.ReleaseTargets.MedianPeakBytes / 1048576d:0} MiB",
                $"{c.AzCopy.MedianWallSeconds:0.00} s, {c.AzCopy.MedianMiBPerSecond:0.0} MiB/s, CPU {c.AzCopy.MedianCpuSeconds:0.0} s, peak {c.AzCopy.MedianPeakBytes / 1048576d:0} MiB",
                $"{c.Ratio:0.00}×",
                c.Ratio >= 1.2));
            s.AppendLine(ResultTable.Row(
                "… ReleaseTargets inside the process",
                $"to Main {c.MedianToMainSeconds:0.00} s, Fetch stage {c.MedianStageSeconds:0.00} s (download {c.MedianDownloadSeconds:0.00} s)",
                "–",
                $"rest (runtime start, token, emulator connection, exit) {c.ReleaseTargets.MedianWallSeconds - c.MedianToMainSeconds - c.MedianStageSeconds:0.00} s",
                met: null));
        }

        return s.ToString();
    }

    [GeneratedRegex(@"^fetched files=\d+ bytes=\d+ main=(?<main>[0-9.]+) stage=(?<stage>[0-9.]+) download=(?<download>[0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex FetchedLine();

    /// <summary>Inside the fetch process: start to Main, the Fetch stage (manifest, key, SAS, download, checks), the download.</summary>
    private sealed record Phases(double Main, double Stage, double Download)
    {
        public static Phases Of(Match line)
        {
            double Seconds(string name) => double.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
            return new Phases(Seconds("main"), Seconds("stage"), Seconds("download"));
        }
    }
}

/// <param name="MedianToMainSeconds">Inside the fetch process: start to Main (runtime start).</param>
/// <param name="MedianStageSeconds">The Fetch stage: manifest, user delegation key, SAS, download and checks.</param>
/// <param name="MedianDownloadSeconds">Of it, the download: first GET to the last file verified and moved into place.</param>
public sealed record FetchCase(string Payload, long TotalBytes, int Files, ProcessSeries ReleaseTargets, ProcessSeries AzCopy, double Ratio, double MedianToMainSeconds, double MedianStageSeconds, double MedianDownloadSeconds);

public sealed record FetchResults(string AzCopyVersion, FetchCase[] Cases);
