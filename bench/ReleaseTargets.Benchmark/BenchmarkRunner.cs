using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ReleaseTargets.Benchmark;

/// <summary>Runs every scenario once against one Azurite, prints the table and writes the JSON (and the table as Markdown) beside it.</summary>
public static class BenchmarkRunner
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<BenchmarkResults?> RunAsync(BenchmarkSettings settings, TextWriter output)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        var startedAt = time.GetUtcNow();
        var root = Directory.CreateTempSubdirectory("releasetargets-bench-").FullName;
        var log = new QuietLog(output);
        output.WriteLine($"ReleaseTargets benchmark ({settings.Mode}); scratch {root}");
        output.WriteLine($"Repetitions: clean {settings.CleanRepetitions}, faults {settings.FaultRepetitions}, resume {settings.ResumeRepetitions}, memory {settings.MemoryRepetitions}, RefreshCredentials {settings.CredentialRepetitions}");
        try
        {
            await using var host = await BenchmarkHost.StartAsync(root, settings.AzuriteInstallDirectory, log);
            var releaseTargets = new ReleaseTargetsContender(host, log);
            var plain = new PlainSdkContender(host, settings.WholeFileAttempts);

            bool Runs(string scenario) => settings.Scenarios.Contains(scenario);
            CleanCase? largeCase = null, manyCase = null;
            FaultResults? faults = null;
            ResumeResults? resume = null;
            MemoryResults? memory = null;
            CredentialResults? credentials = null;
            AzCopyResults? azCopy = null;
            BuildScriptResults? buildScript = null;
            if (Runs("clean") || Runs("faults") || Runs("resume"))
            {
                output.WriteLine("Generating payloads (seeded) ...");
                var large = await Payload.CreateAsync(Path.Combine(host.Root, "large"), "large", 1, settings.LargeFileBytes, settings.Seed + 1);
                var many = await Payload.CreateAsync(Path.Combine(host.Root, "many"), "small", settings.SmallFileCount, settings.SmallFileBytes, settings.Seed + 2);

                // Untimed: JIT and connection set-up of both contenders' paths (single-shot and staged) before any sample.
                output.WriteLine("Warming up both contenders (untimed) ...");
                var warmup = await Payload.CreateAsync(Path.Combine(host.Root, "warmup"), "warmup", 3, (settings.BlockSizeMiB * 1024L * 1024 * 2) + 1, settings.Seed);
                await File.WriteAllBytesAsync(Path.Combine(warmup.Directory, "single.bin"), new byte[4096]);
                await releaseTargets.PushAsync(warmup.Directory, "warmup-rt", settings.BlockSizeMiB, settings.Concurrency, viaProxy: false);
                await plain.UploadAsync(warmup.BlobsUnder("warmup-sdk"), settings.BlockSizeMiB, settings.Concurrency, viaProxy: false, withChecks: true);
                await releaseTargets.PushAsync(warmup.Directory, "warmup-rt-proxy", settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
                await plain.UploadAsync(warmup.BlobsUnder("warmup-sdk-proxy"), settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);

                if (Runs("credentials"))
                {
                    output.WriteLine("[5] RefreshCredentials latency");
                    credentials = await new CredentialScenario(settings, host, log, output).RunAsync();
                }

                if (Runs("clean"))
                {
                    var clean = new CleanScenario(settings, releaseTargets, plain, output);
                    output.WriteLine($"[1a] Clean push, 1 × {large.MiB:0} MiB");
                    largeCase = await clean.RunAsync($"1 × {large.MiB:0} MiB", large, settings.CleanRepetitions);
                    output.WriteLine($"[1b] Clean push, {many.Files.Count} × {settings.SmallFileBytes / 1024d:0} KiB");
                    manyCase = await clean.RunAsync($"{many.Files.Count} × {settings.SmallFileBytes / 1024d:0} KiB", many, settings.CleanRepetitions);
                }

                if (Runs("faults"))
                {
                    output.WriteLine($"[2] Under faults ({settings.FaultRate:P0} of Put Block), 1 × {large.MiB:0} MiB through the proxy");
                    faults = await new FaultScenario(settings, host, releaseTargets, plain, output).RunAsync(large);
                }

                if (Runs("resume"))
                {
                    output.WriteLine($"[3] Resume after killing the push process at {settings.ResumeKillAt:P0}, 1 × {large.MiB:0} MiB through the proxy");
                    resume = await new ResumeScenario(settings, host, releaseTargets, plain, output).RunAsync(large);
                }

                MemoryScenario.TryDelete(large.Directory);
                MemoryScenario.TryDelete(many.Directory);
            }
            else if (Runs("credentials"))
            {
                output.WriteLine("[5] RefreshCredentials latency");
                credentials = await new CredentialScenario(settings, host, log, output).RunAsync();
            }

            if (Runs("memory"))
            {
                output.WriteLine($"[4] Memory, {settings.MemorySmallBytes / 1048576d:0} MiB vs {settings.MemoryLargeBytes / 1048576d:0} MiB, child processes");
                memory = await new MemoryScenario(settings, host, output).RunAsync();
            }

            if (Runs("azcopy"))
            {
                output.WriteLine("[6] Fresh process start → exit: ReleaseTargets vs AzCopy (issue 12)");
                azCopy = await RunAzCopyAsync(settings, host, output);
            }

            if (Runs("buildsh"))
            {
                output.WriteLine("[7] What ./build.sh Push adds: the whole command on one tiny artifact vs its two stages");
                buildScript = await new BuildScriptScenario(settings, RepositoryRoot.Find(), host.Root, output).RunAsync();
            }

            var results = new BenchmarkResults(
                settings.Mode,
                startedAt,
                Math.Round(time.GetElapsedTime(started).TotalSeconds, 1),
                await DescribeEnvironmentAsync(settings),
                new Dictionary<string, int>
                {
                    ["clean"] = settings.CleanRepetitions,
                    ["faults"] = settings.FaultRepetitions,
                    ["resume"] = settings.ResumeRepetitions,
                    ["memory"] = settings.MemoryRepetitions,
                    ["refreshCredentials"] = settings.CredentialRepetitions,
                    ["azcopy"] = settings.AzCopyRepetitions,
                    ["buildsh"] = settings.BuildScriptRepetitions,
                },
                settings.Scenarios,
                largeCase,
                manyCase,
                faults,
                resume,
                memory,
                credentials,
                azCopy,
                buildScript);

            var table = ResultTable.Format(results);
            output.WriteLine();
            output.WriteLine(table);
            Directory.CreateDirectory(Path.GetDirectoryName(settings.OutputPath)!);
            await File.WriteAllTextAsync(settings.OutputPath, JsonSerializer.Serialize(results, Json));
            await File.WriteAllTextAsync(Path.ChangeExtension(settings.OutputPath, ".md"), table);
            output.WriteLine($"Results: {settings.OutputPath} (table: {Path.ChangeExtension(settings.OutputPath, ".md")}); {results.TotalSeconds:0} s in all.");
            return results;
        }
        catch (Exception exception)
        {
            output.WriteLine($"Benchmark failed: {exception}");
            output.WriteLine("Last log lines:");
            output.WriteLine(log.Tail);
            return null;
        }
        finally
        {
            MemoryScenario.TryDelete(root);
        }
    }

    private static async Task<AzCopyResults> RunAzCopyAsync(BenchmarkSettings settings, BenchmarkHost host, TextWriter output)
    {
        var tool = await AzCopy.AzCopyTool.InstallAsync(RepositoryRoot.Find(), settings.AzCopyInstallDirectory, host.CertificatePemPath);
        if (tool.SkipReason is not null)
        {
            output.WriteLine($"  AzCopy rows skipped: {tool.SkipReason}");
            return new AzCopyResults(tool.SkipReason, null, []);
        }

        var builds = await FreshProcessBuilds.PrepareAsync(settings, RepositoryRoot.Find(), host.Root, output);
        var contenders = builds.Select(b => new FreshProcessContender(b.Executable, b.Variant, host)).ToList();
        var limit = new MinimalClientContender(MinimalClientContender.Locate(RepositoryRoot.Find()), host, settings.Concurrency);
        var scenario = new AzCopyScenario(new AzCopy.AzCopyContender(tool, host), contenders, limit, output);
        var cases = new List<AzCopyCase>();
        var seed = settings.Seed + 10;
        await using var relay = new LastByteRelay(host.Emulator.BlobServiceUri);
        for (var index = 0; index < settings.AzCopyPayloads.Count; index++)
        {
            var (files, bytesEach) = settings.AzCopyPayloads[index];
            var name = $"{files} × {ReleaseTargets.Diagnostics.Units.Bytes(bytesEach)}";
            var payload = await Payload.CreateAsync(Path.Combine(host.Root, "azcopy-" + files), "f", files, bytesEach, seed++);
            output.WriteLine($"  {name}:");
            var measured = await scenario.RunAsync(name, payload, settings.AzCopyRepetitions);
            if (settings.LastBytePayloads.Contains(index))
            {
                output.WriteLine($"  {name}, to the last response byte:");
                measured = measured with { ToLastByte = await scenario.RunToLastByteAsync(name, payload, settings.AzCopyRepetitions, relay) };
            }

            cases.Add(measured);
            MemoryScenario.TryDelete(payload.Directory);
        }

        return new AzCopyResults(null, AzCopy.AzCopyTool.PinnedVersion, [.. cases]);
    }

    private static async Task<IReadOnlyDictionary<string, string>> DescribeEnvironmentAsync(BenchmarkSettings settings)
    {
        string Version(Assembly assembly) =>
            assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";

        var azurite = Path.Combine(settings.AzuriteInstallDirectory, "node_modules", "azurite", "package.json");
        var azuriteVersion = File.Exists(azurite)
            ? JsonDocument.Parse(await File.ReadAllTextAsync(azurite)).RootElement.GetProperty("version").GetString() ?? "?"
            : "?";
        return new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["memory"] = $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024d * 1024 * 1024):0} GiB",
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["node"] = await NodeVersionAsync(),
            ["azurite"] = $"{azuriteVersion} (HTTPS, OAuth, user-delegation SAS)",
            ["Azure.Storage.Blobs"] = Version(typeof(Azure.Storage.Blobs.BlobClient).Assembly),
            ["Polly.Core"] = Version(typeof(Polly.ResiliencePipeline).Assembly),
            ["ReleaseTargets"] = Version(typeof(ReleaseRun).Assembly),
        };
    }

    private static async Task<string> NodeVersionAsync()
    {
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (node is null)
            {
                return "?";
            }

            var version = (await node.StandardOutput.ReadToEndAsync()).Trim();
            await node.WaitForExitAsync();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
