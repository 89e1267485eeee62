using System.Globalization;
using System.Text.Json;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// <c>ReleaseTargets.Benchmark image [--repetitions=N] [--layer-mib=100]</c> (issue 14): one image layout of 3 layers pushed
/// to a local docker-registry (loopback, no auth) by ReleaseTargets' registry push and by
/// <c>skopeo copy --preserve-digests oci:&lt;layout&gt; docker://…</c>, alternating. Every sample gets a registry of its own
/// (fresh storage, new port): skopeo remembers where it saw a blob and would otherwise mount it from an earlier
/// sample's repository instead of sending it (measured: 0.08–0.29 s for 300 MiB). Medians; raw samples in
/// <c>.nuke/temp/benchmark/image-push.json</c>.
/// </summary>
internal static class ImagePushScenario
{
    public const string Verb = "image";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var repetitions = Option(args, "--repetitions", 3);
        var layerMiB = Option(args, "--layer-mib", 100);
        var root = Directory.CreateTempSubdirectory("releasetargets-bench-image-").FullName;
        var log = new QuietLog(output);
        try
        {
            var layout = Path.Combine(root, "layout");
            output.WriteLine($"Image push: 3 × {layerMiB} MiB layers, {repetitions} repetitions, a fresh docker-registry on loopback per sample");
            await OciLayoutWriter.WriteAsync(layout, 14, [.. Enumerable.Repeat(layerMiB * 1024L * 1024, 3)]);
            var image = await OciLayoutReader.ReadAsync(layout, "bench", CancellationToken.None);
            var mib = image.TotalBytes / 1048576d;

            var contenders = new (string Name, Func<DockerRegistry, Task> Push)[]
            {
                ("ReleaseTargets (8 MiB chunks × 4 blobs)", registry => PushAsync(registry, image, "bench/app", 8, log)),
                ("ReleaseTargets (32 MiB chunks × 4 blobs)", registry => PushAsync(registry, image, "bench/app", 32, log)),
                ("skopeo copy --preserve-digests", registry => DockerRegistry.RunAsync("skopeo", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", $"oci:{layout}", $"docker://{registry.Host}/bench/app:1")),
            };

            // Untimed warm-up of every contender (JIT, page cache, registry start-up).
            foreach (var (_, push) in contenders)
            {
                await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.None);
                await push(registry);
            }

            var samples = contenders.ToDictionary(c => c.Name, _ => new List<double>());
            var time = TimeProvider.System;
            const string Verify = "ReleaseTargets layout read + digest check (RefreshCredentials)";
            samples[Verify] = [];
            for (var i = 0; i < repetitions; i++)
            {
                var reading = time.GetTimestamp();
                await OciLayoutReader.ReadAsync(layout, "bench", CancellationToken.None);
                samples[Verify].Add(time.GetElapsedTime(reading).TotalSeconds);

                foreach (var (name, push) in i % 2 == 0 ? contenders : contenders.Reverse())
                {
                    await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.None);
                    var started = time.GetTimestamp();
                    await push(registry);
                    samples[name].Add(time.GetElapsedTime(started).TotalSeconds);
                }
            }

            var rows = samples.Select(s => new
            {
                contender = s.Key,
                seconds = s.Value.ToArray(),
                medianSeconds = Median(s.Value),
                medianMiBPerSecond = mib / Median(s.Value),
            }).ToList();
            foreach (var row in rows)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {row.contender}: median {row.medianSeconds:0.00} s = {row.medianMiBPerSecond:0.0} MiB/s; samples [{string.Join(", ", row.seconds.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}] s"));
            }

            var path = Path.Combine(RepositoryRoot.Find(), ".nuke", "temp", "benchmark", "image-push.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { at = time.GetUtcNow(), payloadMiB = mib, layers = 3, repetitions, rows }, new JsonSerializerOptions { WriteIndented = true }));
            output.WriteLine($"Results: {path}");
            return 0;
        }
        catch (Exception exception) when (exception is InvalidOperationException or ReleaseTargetsException or IOException)
        {
            output.WriteLine($"Image benchmark failed: {exception.Message}");
            output.WriteLine(log.Tail);
            return 1;
        }
        finally
        {
            MemoryScenario.TryDelete(root);
        }
    }

    private static async Task PushAsync(DockerRegistry registry, OciImage image, string repository, int chunkMiB, QuietLog log)
    {
        using var publisher = new RegistryPublisher(registry.BaseUri, RegistryCredentials.Anonymous, new PushRetryOptions(), TimeProvider.System, log, new Diagnostics.Redactor());
        var results = await publisher.PushAsync([new RegistryImage(image, repository)], ["1"], new RegistryPushOptions { ChunkSize = chunkMiB * 1024 * 1024, Concurrency = 4, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        if (results[0].Outcome != ArtifactOutcome.Uploaded)
        {
            throw new InvalidOperationException($"ReleaseTargets push failed: {results[0].Error}");
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg && int.TryParse(arg[(name.Length + 1)..], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
