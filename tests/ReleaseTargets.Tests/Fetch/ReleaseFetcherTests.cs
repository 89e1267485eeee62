using ReleaseTargets.Fetch;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Fetch;

/// <summary>The Fetch engine against a real Azurite: what lands in --to, and what never does.</summary>
[Collection("Azurite")]
public sealed class ReleaseFetcherTests(AzuriteFixture azurite)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task FetchAsync_SmallMultiFileRelease_WritesEveryFileVerifiedAndNothingElse()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("app.zip", 300_000), ("docs/readme.txt", 1234), ("docs/deep/empty.txt", 0), ("big.bin", (2 * FetchConstants.RangeSize) + 77));

        var result = await h.FetchAsync();

        Assert.True(result.Succeeded);
        Assert.All(result.Files, f => Assert.Equal(FetchOutcome.Fetched, f.Outcome));
        Assert.All(result.Files, f => Assert.True(f.Sha256Checked));
        Assert.Equal(["app.zip", "big.bin", "docs/deep/empty.txt", "docs/readme.txt"], h.FilesIn(h.Destination));
        foreach (var name in h.Content.Keys)
        {
            h.AssertFetched(name);
        }

        // One GET per small file, one per range of the big one, and nothing else.
        Assert.Equal(3 + 3, h.BlobGets());
        Assert.Equal(3 + 3, result.RangesRequested);
        Assert.Equal(h.Content.Values.Sum(c => (long)c.Length), result.BytesDownloaded);
    }

    [Fact]
    public async Task FetchAsync_FilesAlreadyThereAndVerified_AreNotDownloadedAgain()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("a.txt", 1000), ("b.txt", 2000));
        await h.FetchAsync();
        await File.WriteAllBytesAsync(Path.Combine(h.Destination, "b.txt"), new byte[2000]);
        h.Proxy.Reset();

        var result = await h.FetchAsync();

        Assert.Equal(FetchOutcome.AlreadyPresent, result.Files.Single(f => f.Name == "a.txt").Outcome);
        Assert.Equal(FetchOutcome.Fetched, result.Files.Single(f => f.Name == "b.txt").Outcome);
        Assert.Equal(0, h.BlobGets("a.txt"));
        h.AssertFetched("b.txt");
    }

    [Fact]
    public async Task FetchAsync_BlobChangedBehindTheManifest_FailsNamingItKeepsNothingOfItAndFetchesTheOthers()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("good.txt", 5000), ("bad.bin", 70_000), ("big-bad.bin", FetchConstants.RangeSize + 5));
        await h.UploadAsync("bad.bin", FetchHarness.RandomBytes("other", 70_000));
        await h.UploadAsync("big-bad.bin", FetchHarness.RandomBytes("other", FetchConstants.RangeSize + 5));

        var result = await h.FetchAsync();

        Assert.False(result.Succeeded);
        Assert.Equal(["good.txt"], h.FilesIn(h.Destination));
        h.AssertFetched("good.txt");
        var error = Assert.Throws<ReleaseTargetsException>(() => result.ThrowIfFailed(h.Destination));
        Assert.Contains("Fetch failed for 2 of 3 file(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bad.bin': its content does not match the manifest (MD5 expected " + h.Manifest.Artifacts.Single(a => a.Name == "bad.bin").Md5, error.Message, StringComparison.Ordinal);
        Assert.Contains("'big-bad.bin': its content does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256 expected " + h.Manifest.Artifacts.Single(a => a.Name == "bad.bin").Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_NamesThatLeaveTheFolder_AreAllRefusedBeforeAnythingIsWritten()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("fine.txt", 10));
        string[] crafted = ["../escape.txt", "a\\..\\..\\b", "/abs", "a/../../b", "C:/win.txt", "x//y", "FINE.txt", "fine.txt.rtpartial"];
        foreach (var name in crafted)
        {
            h.List(name);
        }

        var error = await Assert.ThrowsAsync<ReleaseTargetsException>(() => h.FetchAsync());

        foreach (var name in crafted)
        {
            Assert.Contains($"'{name}':", error.Message, StringComparison.Ordinal);
        }

        Assert.Contains($"lists {crafted.Length} artifact name(s)", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.FilesIn(h.Destination));
        Assert.Empty(h.FilesIn(h.Outside));
        Assert.Equal(["outside", "to"], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(h.Destination)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(0, h.BlobGets());
    }

    [Fact]
    public async Task FetchAsync_SymlinkedFolderPlantedInTheDestination_IsRefusedAndNothingIsWrittenThroughIt()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("top.txt", 10), ("sub/x.txt", 100));
        Directory.CreateSymbolicLink(Path.Combine(h.Destination, "sub"), h.Outside);

        var error = await Assert.ThrowsAsync<ReleaseTargetsException>(() => h.FetchAsync());

        Assert.Contains("'sub/x.txt': 'sub' is a symbolic link (to '" + h.Outside + "')", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.FilesIn(h.Outside));
        Assert.Equal(["sub"], h.FilesIn(h.Destination));
        Assert.Equal(0, h.BlobGets());
    }

    [Fact]
    public async Task FetchAsync_GlobsSelectByManifestName_AndNoMatchNamesTheParameter()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("app.zip", 10), ("app.txt", 10), ("docs/a.zip", 10));

        var result = await h.FetchAsync(globs: "**/*.zip;!docs/**");
        var error = await Assert.ThrowsAsync<ReleaseTargetsException>(() => h.FetchAsync(globs: "*.exe"));

        Assert.Equal(["app.zip"], result.Files.Select(f => f.Name));
        Assert.Equal(["app.zip"], h.FilesIn(h.Destination));
        Assert.StartsWith("--artifacts '*.exe' matches none of the release's 3 artifact(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAndHashAsync_AMultiRangeBlob_ReturnsItsMd5AndSha256AndWritesNothing()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("v.bin", FetchConstants.RangeSize + 3));
        var sas = new Azure.AzureSasCredential(await h.SasAsync(TimeSpan.FromHours(1)));
        var runner = new RequestRunner(FetchHarness.FastRetry, TimeProvider.System, NoRenewal.Instance, h.Container, h.Log);

        var hashes = await RangedBlobReader.ReadAndHashAsync(h.SasContainer(sas).GetBlobClient($"{h.Version}/v.bin"), FetchConstants.RangeSize + 3, runner, CancellationToken.None);

        Assert.Equal(h.Manifest.Artifacts[0].Md5, hashes.Md5Base64);
        Assert.Equal(h.Manifest.Artifacts[0].Sha256, hashes.Sha256Hex);
        Assert.Equal(2, h.BlobGets());
        Assert.Empty(h.FilesIn(h.Destination));
    }
}
