using System.Diagnostics;
using System.Text.Json;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Benchmark;

/// <summary>
/// Keeps the benchmark (bench/ReleaseTargets.Benchmark, issue 5) compiling and working: its --smoke mode runs every
/// scenario at tiny sizes in its own process with its own Azurite and must write every section with positive numbers.
/// It asserts no performance target: tiny sizes on a busy test machine say nothing about speed.
/// </summary>
[Collection("Benchmark")]
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task Smoke_RunsEveryScenario_WritesEverySectionWithPositiveNumbers()
    {
        var output = Path.Combine(Path.GetTempPath(), "releasetargets-bench-smoke-" + Guid.NewGuid().ToString("N"), "results.json");
        try
        {
            var (exitCode, log) = await RunSmokeAsync(output);
            Assert.True(exitCode == 0, $"The benchmark exited with {exitCode}:\n{log}");

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            var root = json.RootElement;
            Assert.Equal("smoke", root.GetProperty("mode").GetString());
            foreach (var clean in new[] { "largeFile", "manyFiles" })
            {
                AssertPositive(root, $"{clean}.releaseTargets.medianMiBPerSecond", $"{clean}.plainSdk.medianMiBPerSecond",
                    $"{clean}.plainSdkOtherConcurrency.medianMiBPerSecond", $"{clean}.ratioToBestPlain", $"{clean}.ratioIncludingRefresh");
            }

            AssertPositive(root,
                "faults.payloadBytes", "faults.faultRate",
                "faults.releaseTargets.medianCleanSeconds", "faults.releaseTargets.medianFaultSeconds", "faults.releaseTargets.medianBytesSentRatio", "faults.releaseTargets.timeVsClean",
                "faults.plainSdk.medianCleanSeconds", "faults.plainSdk.medianFaultSeconds", "faults.plainSdk.medianBytesSentRatio", "faults.plainSdk.timeVsClean",
                "resume.payloadBytes", "resume.medianResentRatio", "resume.plainSdkResentRatio",
                "memory.small.medianPeakWorkingSetBytes", "memory.large.medianPeakWorkingSetBytes", "memory.peakRatio",
                "refreshCredentials.medianMilliseconds");
            AssertAzCopy(root.GetProperty("azCopy"), log);
            AssertFetch(Path.Combine(Path.GetDirectoryName(output)!, "fetch.json"), log);
            AssertScale(Path.Combine(Path.GetDirectoryName(output)!, "scale.json"), log);
            Assert.True(File.Exists(Path.ChangeExtension(output, ".md")), "The Markdown table was not written next to the JSON.");
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(Path.GetDirectoryName(output)!);
        }
    }

    /// <summary>Issue 22: Fetch and AzCopy's checked download both fetched every payload (or the run says why AzCopy could not run).</summary>
    private static void AssertFetch(string path, string log)
    {
        if (log.Contains("Fetch benchmark skipped:", StringComparison.Ordinal))
        {
            return;
        }

        Assert.True(File.Exists(path), $"fetch.json was not written:\n{log}");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(3, cases.Count);
        foreach (var c in cases)
        {
            AssertPositive(c, "ratio", "releaseTargets.medianWallSeconds", "azCopy.medianWallSeconds", "totalBytes");
        }
    }

    /// <summary>Issue 23: the scale scenario pushed both smoke sizes (each on its own Azurite) and measured every phase.</summary>
    private static void AssertScale(string path, string log)
    {
        Assert.True(File.Exists(path), $"scale.json was not written:\n{log}");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(2, cases.Count);
        foreach (var c in cases)
        {
            AssertPositive(c, "files", "secondsPerThousandFiles", "medianRefreshSeconds", "medianPushSeconds", "process.medianWallSeconds", "process.medianPeakBytes");
        }

        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("growthKiBPerFile").ValueKind);
    }

    /// <summary>AzCopy ran on every payload against the fresh-process ReleaseTargets, or the run says why it could not.</summary>
    private static void AssertAzCopy(JsonElement azCopy, string log)
    {
        if (azCopy.GetProperty("skipped").GetString() is { } skipped)
        {
            Assert.Contains($"AzCopy rows skipped: {skipped}", log, StringComparison.Ordinal);
            return;
        }

        var cases = azCopy.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(3, cases.Count);
        foreach (var c in cases)
        {
            AssertPositive(c, "ratioToBestMd5", "ratioToBestWithoutMd5", "releaseTargetsPeakBytes", "azCopyLowestPeakBytes");

            // ReleaseTargets (JIT), AzCopy at two settings, each with and without --put-md5, and the minimal client (issue 23).
            Assert.Equal(6, c.GetProperty("contenders").GetArrayLength());
            AssertPositive(c, "limit.medianTransferSeconds", "limit.medianWallSeconds", "limit.pushStageShare", "limit.wallShare");
            foreach (var contender in c.GetProperty("contenders").EnumerateArray())
            {
                AssertPositive(contender, "medianWallSeconds", "medianCpuSeconds", "medianPeakBytes");
            }
        }
    }

    private static void AssertPositive(JsonElement root, params string[] paths)
    {
        foreach (var path in paths)
        {
            var element = path.Split('.').Aggregate(root, (e, name) => e.GetProperty(name));
            Assert.True(element.ValueKind == JsonValueKind.Number && element.GetDouble() > 0, $"{path} is {element} in the benchmark JSON; expected a positive number.");
        }
    }

    private static async Task<(int ExitCode, string Log)> RunSmokeAsync(string output)
    {
        // Built by the project reference (ReferenceOutputAssembly=false) in the test's own configuration.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot.Path, "bench", "ReleaseTargets.Benchmark", "bin", configuration, "net10.0", "ReleaseTargets.Benchmark.dll");
        Assert.True(File.Exists(dll), $"The benchmark was not built at '{dll}'.");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--smoke", $"--output={output}" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The benchmark's smoke mode ran past 3 minutes:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

[CollectionDefinition("Benchmark", DisableParallelization = true)]
public sealed class BenchmarkCollection;
