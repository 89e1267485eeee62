using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// The programs the fresh-process contender runs: bench/ReleaseTargets.PushOnce as built next to this benchmark (JIT),
/// and in full runs also published ReadyToRun for this machine, the way build.sh publishes the module.
/// </summary>
internal static class FreshProcessBuilds
{
    public static async Task<IReadOnlyList<(string Executable, string Variant)>> PrepareAsync(BenchmarkSettings settings, string repositoryRoot, string scratch, TextWriter output)
    {
        // Built by the benchmark's project reference in the benchmark's own configuration (bin/<configuration>/net10.0).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var project = Path.Combine(repositoryRoot, "bench", "ReleaseTargets.PushOnce");
        var jit = Path.Combine(project, "bin", configuration, "net10.0", "ReleaseTargets.PushOnce");
        if (!File.Exists(jit))
        {
            throw new InvalidOperationException($"'{jit}' was not built; build bench/ReleaseTargets.Benchmark (it references PushOnce).");
        }

        var builds = new List<(string, string)>();
        if (settings.ReadyToRun)
        {
            var r2r = Path.Combine(scratch, "pushonce-r2r");
            output.WriteLine($"Publishing ReleaseTargets.PushOnce ReadyToRun ({RuntimeInformation.RuntimeIdentifier}) ...");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "publish", Path.Combine(project, "ReleaseTargets.PushOnce.csproj"), "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
                    "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", r2r, "--nologo", "-v", "quiet",
                },
            };
            var publish = await MeteredProcess.RunAsync(start);
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"Publishing PushOnce ReadyToRun failed: {publish.Output}");
            }

            builds.Add((Path.Combine(r2r, "ReleaseTargets.PushOnce"), "ReadyToRun"));
        }

        builds.Add((jit, "JIT"));
        return builds;
    }
}
