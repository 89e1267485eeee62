using System.Diagnostics;
using ReleaseTargets.Configuration;
using ReleaseTargets.Fetch;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.ReadSide;

/// <summary>Fetch as a run of its own: what it refuses before anything is minted or written, its history, sharded releases.</summary>
[Collection("Azurite")]
public sealed class FetchRunTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _to = Path.Combine(Path.GetTempPath(), "rt-fetch-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => AzuriteFixture.DeleteDirectory(_to);

    [Fact]
    public async Task Fetch_WithoutTo_FailsNamingItBeforeAnyRequest()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.txt", 100));

        var (report, failure, log) = await ReadRun.FetchAsync(azurite, h, h.Options());

        Assert.Null(report);
        Assert.IsType<ReleaseConfigurationException>(failure);
        Assert.Contains("--to=<folder>", failure!.Message, StringComparison.Ordinal);
        Assert.Empty(h.Proxy.Requests);
        Assert.DoesNotContain("SAS valid", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_ContainerOrVersionNeverPushed_IsRefusedNamingWhichAndWritesNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.txt", 100));
        h.Container = "fresh" + Guid.NewGuid().ToString("N")[..12];

        var noContainer = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = _to));
        await h.PushAsync();
        h.Version += "-other";
        var noVersion = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = _to));

        Assert.Contains($"refused: container '{h.Container}' does not exist at ", noContainer.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains($"Fetch of release '{h.Version}' refused: release '{h.Version}' has no manifest", noVersion.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was published under this version", noVersion.Failure.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_to));
        Assert.DoesNotContain("SAS valid", noContainer.Log.Text + noVersion.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_Twice_TheSecondIsForecastFromTheFirstAndDownloadsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 200_000), ("read me.txt", 10));
        await h.PushAsync();
        var options = h.Options(o => o.FetchDirectory = _to);

        var first = await ReadRun.FetchAsync(azurite, h, options);
        h.Proxy.Reset();
        var second = await ReadRun.FetchAsync(azurite, h, options);

        Assert.True(first.Failure is null, first.Failure?.Message);
        Assert.Contains("cold start: no fetches in history", first.Log.Text, StringComparison.Ordinal);
        Assert.Contains("from 1 comparable fetch", second.Log.Text, StringComparison.Ordinal);
        Assert.All(second.Report!.Files, f => Assert.Equal(FetchOutcome.AlreadyPresent, f.Outcome));
        Assert.DoesNotContain(h.Proxy.Requests, r => r.Method == "GET" && r.BlobName is { } b && b.StartsWith(h.Version + "/", StringComparison.Ordinal) && !b.EndsWith(ReleaseManifest.FileName, StringComparison.Ordinal));
        Assert.Equal(0, await Sha256SumAsync(_to));
    }

    [Fact]
    public async Task Fetch_ShardedRelease_RefusedUntilSealedThenItsSumsAreComplete()
    {
        await using var h = await PushHarness.StartAsync(azurite);
        var shards = new Dictionary<string, string[]> { ["linux"] = ["app-linux.bin", "notes.txt"], ["windows"] = ["app-windows.bin"] };
        foreach (var (shard, names) in shards)
        {
            var folder = Directory.CreateTempSubdirectory("rt-shard-").FullName;
            foreach (var name in names)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, name), [.. Enumerable.Range(0, 5000 + name.Length).Select(i => (byte)(i * shard.Length))]);
            }

            await h.PushAsync(h.Options(o => { o.ArtifactsDirectory = folder; o.Shard = shard; }));
            if (shard == "linux")
            {
                var unsealed = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = _to));
                Assert.Contains("pushed in shards and not sealed", unsealed.Failure!.Message, StringComparison.Ordinal);
                Assert.Contains("Run Seal once every shard is pushed", unsealed.Failure.Message, StringComparison.Ordinal);
                Assert.False(Directory.Exists(_to));
            }
        }

        var sealedRun = await ReadRun.RunAsync(azurite, h, h.Options(o => o.Shards = "linux,windows"), run => run.SealAsync());
        Assert.True(sealedRun.Failure is null, sealedRun.Failure?.Message);

        var (report, failure, _) = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = _to));

        Assert.True(failure is null, failure?.Message);
        Assert.Equal(3, report!.Files.Count);
        Assert.Equal(["SHA256SUMS", "app-linux.bin", "app-windows.bin", "notes.txt"], ReadRun.FilesIn(_to));
        Assert.Equal(0, await Sha256SumAsync(_to));
    }

    private static async Task<int> Sha256SumAsync(string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("sha256sum", "--check --strict SHA256SUMS") { WorkingDirectory = folder, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
