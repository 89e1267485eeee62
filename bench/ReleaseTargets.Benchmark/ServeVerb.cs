namespace ReleaseTargets.Benchmark;

/// <summary>
/// <c>serve</c>: starts the benchmark's Azurite and prints what a hand-run contender needs — service URI, certificate,
/// container SAS URL — then keeps it running until standard input closes. For profiling one contender at a time by hand
/// (<c>bench/profile-small-files.sh</c>) without the whole benchmark around it.
/// </summary>
internal static class ServeVerb
{
    public const string Verb = "serve";

    public static async Task<int> RunAsync(string repositoryRoot, TextWriter output)
    {
        var settings = BenchmarkSettings.Parse([], repositoryRoot);
        var root = Directory.CreateTempSubdirectory("releasetargets-serve-").FullName;
        var log = new QuietLog(output);
        try
        {
            await using var host = await BenchmarkHost.StartAsync(root, settings.AzuriteInstallDirectory, log);
            await output.WriteLineAsync($"SERVICE={host.Emulator.BlobServiceUri}");
            await output.WriteLineAsync($"CERT={host.CertificatePemPath}");
            await output.WriteLineAsync($"CONTAINER={BenchmarkHost.Container}");
            await output.WriteLineAsync($"SAS_URL={host.SasContainerUri}");
            await output.WriteLineAsync($"ROOT={root}");
            await output.FlushAsync();
            await Console.In.ReadToEndAsync();
            return 0;
        }
        finally
        {
            MemoryScenario.TryDelete(root);
        }
    }
}
