using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// What <c>./build.sh Push</c> adds on top of the release itself (issue 12): the whole command, start to exit, on a tiny
/// artifact with its own Azurite, against the two stages it prints. The rest is the bootstrap, Cake's start, the script
/// (compiled on the first run after a change, then from Cake's script cache) and the teardown.
/// </summary>
internal sealed partial class BuildScriptScenario(BenchmarkSettings settings, string repositoryRoot, string scratch, TextWriter output)
{
    public async Task<BuildScriptResults> RunAsync()
    {
        var artifacts = Path.Combine(scratch, "buildsh-artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "tiny.txt"), "one small artifact\n");
        var samples = new List<BuildScriptSample>();

        // Untimed: publishes the module if its sources changed and installs Azurite into the state folder once.
        output.WriteLine("  warming up (untimed): module publish when stale, Azurite install into the state folder ...");
        await RunBuildScriptAsync(artifacts, "warmup");
        for (var rep = 0; rep < settings.BuildScriptRepetitions + 1; rep++)
        {
            // The first run compiles build.cake (as after any edit of it); the others run it from the script cache.
            var compiled = rep == 0;
            if (compiled)
            {
                MemoryScenario.TryDelete(Path.Combine(repositoryRoot, ".nuke", "temp", "cake-script-cache"));
            }

            var run = await RunBuildScriptAsync(artifacts, rep.ToString(CultureInfo.InvariantCulture));
            var refresh = Stage(run.Output, "RefreshCredentials");
            var push = Stage(run.Output, "Push");
            var sample = new BuildScriptSample(compiled, run.WallSeconds, refresh, push, run.WallSeconds - refresh - push);
            samples.Add(sample);
            output.WriteLine($"  #{rep + 1} ./build.sh Push ({(compiled ? "script compiled" : "script cached")}) {run.WallSeconds,6:0.00} s: RefreshCredentials {refresh:0.00} s (starts Azurite), Push {push:0.00} s, the rest {sample.RestSeconds:0.00} s");
        }

        var cached = samples.Where(s => !s.ScriptCompiled).ToList();
        return new BuildScriptResults(
            [.. samples],
            samples[0].RestSeconds,
            Stats.Median(cached.Select(s => s.RestSeconds).ToArray()),
            Stats.Median(cached.Select(s => s.WallSeconds).ToArray()));
    }

    private async Task<ProcessMeasurement> RunBuildScriptAsync(string artifacts, string run)
    {
        var start = new ProcessStartInfo(Path.Combine(repositoryRoot, "build.sh"))
        {
            WorkingDirectory = repositoryRoot,
            ArgumentList =
            {
                "Push", "--exclusive", $"--artifacts-directory={artifacts}", "--artifacts=**/*.txt",
                $"--state-directory={Path.Combine(scratch, "buildsh-state")}", $"--release-version=bench-buildsh-{run}-{Guid.NewGuid():N}",
            },
        };
        var measured = await MeteredProcess.RunAsync(start);
        if (measured.ExitCode != 0)
        {
            throw new InvalidOperationException($"./build.sh Push exited {measured.ExitCode}: {measured.Output[^Math.Min(measured.Output.Length, 3000)..]}");
        }

        return measured;
    }

    private static double Stage(string output, string stage)
    {
        var match = StageLine().Matches(output).FirstOrDefault(m => m.Groups["stage"].Value == stage)
            ?? throw new InvalidOperationException($"./build.sh printed no 'Stage {stage}:' line.");
        return ParseDuration(match.Groups["duration"].Value);
    }

    /// <summary>Reads back what ReleaseTargets prints: "0.4s", "1m05s", "2h03m".</summary>
    private static double ParseDuration(string text)
    {
        double seconds = 0;
        foreach (Match part in Regex.Matches(text, @"(?<n>[0-9.]+)(?<u>[hms])"))
        {
            var n = double.Parse(part.Groups["n"].Value, CultureInfo.InvariantCulture);
            seconds += part.Groups["u"].Value switch { "h" => n * 3600, "m" => n * 60, _ => n };
        }

        return seconds;
    }

    [GeneratedRegex(@"Stage (?<stage>\w+): (?<duration>[0-9hms.]+) \(Succeeded")]
    private static partial Regex StageLine();
}
