namespace ReleaseTargets.Benchmark;

/// <summary>RefreshCredentials latency: token → user delegation key → SAS (plus create-if-missing on the container), each on a new run.</summary>
internal sealed class CredentialScenario(BenchmarkSettings settings, BenchmarkHost host, QuietLog log, TextWriter output)
{
    public async Task<CredentialResults> RunAsync()
    {
        // One tiny artifact, so the stage's hashing is negligible and the credentials dominate.
        var directory = Path.Combine(host.Root, "credentials");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "tiny.txt"), "benchmark");
        var time = TimeProvider.System;
        var samples = new List<double>();
        for (var i = 0; i < settings.CredentialRepetitions; i++)
        {
            var options = new Configuration.ReleaseOptions
            {
                ReleaseVersion = $"credentials-{i}",
                Container = BenchmarkHost.Container,
                ArtifactsDirectory = directory,
                StateDirectory = host.StateDirectory,
                ProgressInterval = TimeSpan.Zero,
            };
            var run = new ReleaseRun(options, log, time, new Dictionary<string, string>(), host.CreateTarget(viaProxy: false));
            var started = time.GetTimestamp();
            await run.RefreshCredentialsAsync();
            samples.Add(time.GetElapsedTime(started).TotalMilliseconds);
            await run.CompleteAsync(succeeded: true);
        }

        var result = new CredentialResults([.. samples], Stats.Median(samples), samples[0]);
        output.WriteLine($"  RefreshCredentials: median {result.MedianMilliseconds:0} ms, first {result.FirstMilliseconds:0} ms, all [{string.Join(", ", samples.Select(s => s.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}] ms");
        return result;
    }
}
