using System.Diagnostics;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Sharding;

namespace ReleaseTargets.Tests.Push;

/// <summary>
/// Issue 22 on a real Azurite: a push lists every artifact's SHA-256 in the manifest and writes <c>SHA256SUMS</c> before
/// it, and a download of the release passes coreutils' own <c>sha256sum -c SHA256SUMS</c> — whole and sharded. A root
/// artifact named like the sums file is refused; one in a subfolder is an ordinary artifact.
/// </summary>
[Collection("Azurite")]
public sealed class Sha256SumsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Push_WholeRelease_ManifestListsSha256AndSumsFileWrittenBeforeItPassesSha256sumCheck()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", (2 * PushHarness.BlockSize) + 123), ("empty.txt", 0), ("my tool.zip", 5000));
        Directory.CreateDirectory(h.PathOf("sub/deep"));
        await File.WriteAllTextAsync(h.PathOf("sub/deep/notes.txt"), "notes\n");

        await h.PushAsync();

        var manifest = await ManifestAsync(h.Direct, h.Version);
        Assert.Equal(4, manifest.Artifacts.Count);
        foreach (var artifact in manifest.Artifacts)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(h.PathOf(artifact.Name)))), artifact.Sha256);
        }

        var puts = h.Proxy.Requests.Where(r => r is { Method: "PUT", Comp: null, UpstreamStatus: 201 }).ToList();
        var sums = Assert.Single(puts, r => r.BlobName == Sha256Sums.BlobNameFor(h.Version));
        var manifestPut = Assert.Single(puts, r => r.BlobName == ReleaseManifest.BlobNameFor(h.Version));
        Assert.True(sums.Sequence < manifestPut.Sequence, $"SHA256SUMS was written at #{sums.Sequence}, the manifest at #{manifestPut.Sequence}");
        Assert.Equal("text/plain; charset=utf-8", (await h.Direct.GetBlobClient(Sha256Sums.BlobNameFor(h.Version)).GetPropertiesAsync()).Value.ContentType);

        await AssertSha256sumCheckPassesAsync(h.Direct, h.Version, manifest);
    }

    [Fact]
    public async Task Push_SameSumsFileAlreadyThere_IsANoOpAndTheReleaseIsPublished()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300), ("b.txt", 20));
        var sums = string.Concat(new[] { "app.bin", "b.txt" }.Select(n => $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(h.PathOf(n))))}  {n}\n"));
        await h.Direct.CreateIfNotExistsAsync();
        await h.Direct.GetBlobClient(Sha256Sums.BlobNameFor(h.Version)).UploadAsync(BinaryData.FromString(sums));

        await h.PushAsync();

        await h.AssertManifestCompleteAsync("app.bin", "b.txt");
        Assert.Equal(sums, (await h.Direct.GetBlobClient(Sha256Sums.BlobNameFor(h.Version)).DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Push_DifferentSumsFileAlreadyThere_IsRefusedAndNoManifestIsWritten()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        var stale = $"{new string('0', 64)}  app.bin\n";
        await h.Direct.CreateIfNotExistsAsync();
        await h.Direct.GetBlobClient(Sha256Sums.BlobNameFor(h.Version)).UploadAsync(BinaryData.FromString(stale));

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"Release '{h.Version}' already has a SHA256SUMS that lists other content", error.Message + h.Log.Text, StringComparison.Ordinal);
        await h.AssertManifestAbsentAsync();
        Assert.Equal(stale, (await h.Direct.GetBlobClient(Sha256Sums.BlobNameFor(h.Version)).DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task Seal_TwoShards_SumsFileListsEveryArtifactOfBothAndPassesSha256sumCheck()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("linux", seed: 1, ("app-linux.tar.gz", (2 * 1024 * 1024) + 5), ("notes-linux.txt", 40));
        release.WriteShard("windows", seed: 2, ("app-windows.zip", 70_000));

        foreach (var shard in new[] { "linux", "windows" })
        {
            var (code, output) = await release.PushAsync(shard);
            Assert.True(code == 0, output);
        }

        Assert.False(await release.Direct.GetBlobClient(Sha256Sums.BlobNameFor(release.Version)).ExistsAsync(), "a shard push writes no SHA256SUMS; Seal does");
        var seal = await release.SealAsync(["linux", "windows"], timeoutSeconds: 60);
        Assert.True(seal.Code == 0, seal.Output);

        var manifest = await ManifestAsync(release.Direct, release.Version);
        var sums = (await release.Direct.GetBlobClient(Sha256Sums.BlobNameFor(release.Version)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(["app-linux.tar.gz", "app-windows.zip", "notes-linux.txt"], sums.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[66..]));
        var sources = new[] { "linux", "windows" }.SelectMany(s => Directory.GetFiles(release.ArtifactsOf(s))).ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal);
        Assert.All(manifest.Artifacts, a => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(sources[a.Name]))), a.Sha256));
        await AssertSha256sumCheckPassesAsync(release.Direct, release.Version, manifest);
    }

    [Theory]
    [InlineData("SHA256SUMS")]
    [InlineData("sha256sums")]
    [InlineData("Sha256Sums")]
    public async Task Push_RootFileNamedLikeTheSumsFileInAnyCase_IsRefusedBeforeAnyCredential(string name)
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300), (name, 20));

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains(
            $"'{name}' cannot be published: at the root of the release, 'SHA256SUMS' (in any case) is the name of the checksum file the push writes; rename the file or move it into a subfolder.",
            error.Message,
            StringComparison.Ordinal);
        Assert.Null(h.LastRun!.SasWindow);
        Assert.Empty(h.Proxy.Requests);
    }

    [Fact]
    public async Task Push_SumsFileNameInASubfolder_IsPublishedBesideTheReleasesOwn()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        Directory.CreateDirectory(h.PathOf("checksums"));
        await File.WriteAllTextAsync(h.PathOf("checksums/SHA256SUMS"), "the user's own sums\n");

        await h.PushAsync();

        await h.AssertManifestCompleteAsync("app.bin", "checksums/SHA256SUMS");
        await AssertSha256sumCheckPassesAsync(h.Direct, h.Version, await ManifestAsync(h.Direct, h.Version));
    }

    private static async Task<ReleaseManifest> ManifestAsync(BlobContainerClient container, string version)
    {
        var manifest = ReleaseManifest.FromJson((await container.GetBlobClient(ReleaseManifest.BlobNameFor(version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.NotNull(manifest);
        return manifest;
    }

    /// <summary>Downloads the release's artifacts and SHA256SUMS into a folder and runs coreutils' <c>sha256sum -c --strict</c> there.</summary>
    private static async Task AssertSha256sumCheckPassesAsync(BlobContainerClient container, string version, ReleaseManifest manifest)
    {
        var folder = Directory.CreateTempSubdirectory("rt-sha256sums-").FullName;
        try
        {
            await container.GetBlobClient(Sha256Sums.BlobNameFor(version)).DownloadToAsync(Path.Combine(folder, Sha256Sums.FileName));
            foreach (var artifact in manifest.Artifacts)
            {
                var path = Path.Combine(folder, artifact.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await container.GetBlobClient($"{version}/{artifact.Name}").DownloadToAsync(path);
            }

            var start = new ProcessStartInfo("sha256sum") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--check", "--strict", Sha256Sums.FileName })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"sha256sum -c exited {process.ExitCode}: {output}{error}");
            Assert.Equal(manifest.Artifacts.Select(a => $"{a.Name}: OK").Order(StringComparer.Ordinal), output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(folder);
        }
    }
}
