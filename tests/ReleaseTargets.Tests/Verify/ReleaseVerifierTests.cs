using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Tests.Verify;

/// <summary>
/// Verify against releases pushed for real into the collection's Azurite, then changed behind the manifest's back the
/// way only someone holding the account's key could (the push never overwrites or deletes).
/// </summary>
[Collection("Azurite")]
public sealed class ReleaseVerifierTests(AzuriteFixture azurite)
{
    private const int Big = (2 * PushHarness.BlockSize) + 1;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_PushedRelease_IsVerifiedWithNoFindings(bool download)
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", Big), ("notes.txt", 100));
        await h.PushAsync();

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download);

        Assert.Equal(VerifyStatus.Verified, result.Status);
        Assert.Empty(result.Findings);
        Assert.Equal(2, result.ArtifactsChecked);
        Assert.Equal(download ? Big + 100 : 0, result.BytesDownloaded);
        Assert.Null(result.Failure());
    }

    [Fact]
    public async Task VerifyAsync_BlobsRewrittenWithSameLength_MetadataNamesTheNewMd5AndTheForeignBlocksAndDownloadNamesBothBytes()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", Big), ("notes.txt", 100));
        await h.PushAsync();
        var app = h.Direct.GetBlobClient($"{h.Version}/app.bin");
        var oldMd5 = (await app.GetPropertiesAsync()).Value.ContentHash;
        // Same length, other bytes, and the old Content-MD5 kept as the blob's property (a commit's header is not checked
        // against the bytes): the listing cannot tell; the committed block IDs (not a push's) and the bytes can.
        var forged = h.Direct.GetBlockBlobClient($"{h.Version}/app.bin");
        var blockId = Convert.ToBase64String("forged"u8);
        using (var bytes = new MemoryStream(Bytes(Big, seed: 9)))
        {
            await forged.StageBlockAsync(blockId, bytes);
        }

        await forged.CommitBlockListAsync([blockId], new CommitBlockListOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = oldMd5 } });
        // Same length, other bytes, and the service's own Content-MD5 of them: the listing tells.
        await h.Direct.GetBlobClient($"{h.Version}/notes.txt").UploadAsync(BinaryData.FromBytes(Bytes(100, seed: 9)), overwrite: true);
        Assert.Equal(oldMd5, (await app.GetPropertiesAsync()).Value.ContentHash);

        var metadata = await VerifyHarness.VerifyAsync(azurite, h.Version, download: false);
        var downloaded = await VerifyHarness.VerifyAsync(azurite, h.Version, download: true);

        Assert.Equal(VerifyStatus.Mismatch, metadata.Status);
        Assert.Equal(["'app.bin'", "'notes.txt'"], metadata.Findings.Select(f => f.Name));
        Assert.Equal(
            $"has 1 committed blocks that are not the blocks a push of this content commits (block 0 has ID '{blockId}', {Big} bytes): its bytes were replaced behind an unchanged Content-MD5 (--download reads and hashes them)",
            metadata.Findings[0].Problem);
        var notes = metadata.Findings[1];
        Assert.StartsWith("as 100 bytes with MD5 '", notes.Problem, StringComparison.Ordinal);
        Assert.Contains("' is 100 bytes with MD5 '", notes.Problem, StringComparison.Ordinal);
        Assert.Contains("the bytes were not read (--download reads and hashes every byte)", metadata.Failure()!.Message, StringComparison.Ordinal);

        Assert.Equal(VerifyStatus.Mismatch, downloaded.Status);
        // The manifest lists SHA-256 too (issue 22): the download names both hashes of each rewritten blob.
        Assert.Equal(["'app.bin'", "'app.bin'", "'notes.txt'", "'notes.txt'", "'notes.txt'"], downloaded.Findings.Select(f => f.Name));
        Assert.Contains(downloaded.Findings, f => f.Name == "'app.bin'" && f.Problem.StartsWith($"holds bytes with SHA-256 '{Convert.ToHexStringLower(SHA256.HashData(Bytes(Big, seed: 9)))}'", StringComparison.Ordinal));
        Assert.Equal($"holds bytes with MD5 '{Convert.ToBase64String(MD5.HashData(Bytes(Big, seed: 9)))}', not the manifest's '{Convert.ToBase64String(oldMd5)}' (every byte read and hashed)", downloaded.Findings[0].Problem);
        Assert.Contains(downloaded.Findings, f => f.Name == "'notes.txt'" && f.Problem.StartsWith("holds bytes with MD5", StringComparison.Ordinal));
        Assert.Equal(Big + 100, downloaded.BytesDownloaded);
    }

    [Fact]
    public async Task VerifyAsync_BlobDeletedAndBlobOfOtherLength_NamesBothInOneResult()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700), ("b.bin", 800), ("c.bin", 900));
        await h.PushAsync();
        await h.Direct.GetBlobClient($"{h.Version}/a.bin").DeleteAsync();
        await h.Direct.GetBlobClient($"{h.Version}/b.bin").UploadAsync(BinaryData.FromString("replaced"), overwrite: true);

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: true);

        Assert.Equal(VerifyStatus.Mismatch, result.Status);
        Assert.Equal(["'a.bin'", "'b.bin'"], result.Findings.Select(f => f.Name));
        Assert.Equal($"is not in storage (no committed blob '{h.Version}/a.bin')", result.Findings[0].Problem);
        Assert.Contains("as 800 bytes with MD5", result.Findings[1].Problem, StringComparison.Ordinal);
        Assert.EndsWith("is 8 bytes with MD5 '" + Convert.ToBase64String(MD5.HashData("replaced"u8)) + "' in storage", result.Findings[1].Problem, StringComparison.Ordinal);
        // Only c.bin has its listed length, so only it was read.
        Assert.Equal(900, result.BytesDownloaded);
        var message = result.Failure()!.Message;
        Assert.Contains("2 problem(s)", message, StringComparison.Ordinal);
        Assert.Contains("'a.bin' is not in storage", message, StringComparison.Ordinal);
        Assert.Contains("'b.bin' as 800 bytes", message, StringComparison.Ordinal);
        Assert.Contains("publish under a new --release-version", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_VersionNeverPushed_IsNotPublished()
    {
        var log = new CapturingLog();

        var result = await VerifyHarness.VerifyAsync(azurite, "9.9." + Guid.NewGuid().ToString("N")[..8], download: false, log);

        Assert.Equal(VerifyStatus.NotPublished, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("has no manifest and no push claimed it: nothing was published under this version in this container", finding.Problem);
        Assert.Contains("is not published", result.Failure()!.Message, StringComparison.Ordinal);
        Assert.Contains("Verify FAILED", string.Join('\n', ReleaseTargets.Push.Reporting.PushReportWriter.ToLines(result)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_OneOfTwoShardsRecordedAndNoSeal_IsUnsealedNamingTheMissingShard()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700));
        var other = Path.Combine(h.ArtifactsDirectory, "..", "shard-b");
        Directory.CreateDirectory(other);
        await File.WriteAllBytesAsync(Path.Combine(other, "b.bin"), Bytes(800, seed: 2));
        await h.PushAsync(h.Options(o => o.Shard = "a"));
        // Shard b claims, is refused its upload for good and gives the claim back: it never records.
        h.Proxy.AddRule(new Infrastructure.FaultProxy.FaultMatch { Method = "PUT", BlobNameContains = "b.bin" }, Infrastructure.FaultProxy.FaultAction.Status(403, "AuthorizationPermissionMismatch"));
        await Assert.ThrowsAsync<ReleaseTargets.Push.PushFailedException>(() => h.PushAsync(h.Options(o => { o.Shard = "b"; o.ArtifactsDirectory = other; })));

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: false);

        Assert.Equal(VerifyStatus.Unsealed, result.Status);
        Assert.Equal(["'release-manifest.json'", "shard 'b'"], result.Findings.Select(f => f.Name));
        Assert.Equal(
            $"is not written: release '{h.Version}' is pushed in shards and not sealed; shards recorded: 'a'; shards claimed but not recorded: 'b' (the service knows of 'a', 'b'; the seal's --shards may expect more)",
            result.Findings[0].Problem);
        Assert.StartsWith("is not recorded: failed before committing anything (gave its claim back at ", result.Findings[1].Problem, StringComparison.Ordinal);
        Assert.Contains("re-run the push of shard 'b'", result.Failure()!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_ManifestNotJson_IsAFindingNamingTheManifest()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700));
        await h.PushAsync();
        await h.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(h.Version)).UploadAsync(BinaryData.FromString("<html>not a manifest</html>"), overwrite: true);

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: true);

        Assert.Equal(VerifyStatus.Mismatch, result.Status);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("'release-manifest.json'", finding.Name);
        Assert.StartsWith("is not a readable release manifest", finding.Problem, StringComparison.Ordinal);
        Assert.Equal(0, result.ArtifactsChecked);
    }

    [Fact]
    public async Task VerifyAsync_WithDownload_ChecksTheManifestsSha256WhereItHasOne()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700), ("b.bin", 800));
        await h.PushAsync();
        var manifestBlob = h.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(h.Version));
        var manifest = ReleaseManifest.FromJson((await manifestBlob.DownloadContentAsync()).Value.Content.ToString())!;
        var right = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(h.PathOf("a.bin"))));
        var wrong = new string('0', 64);
        // a.bin with its true SHA-256, b.bin with a wrong one: only b.bin is named.
        var withSha = manifest with { Artifacts = [manifest.Artifacts[0] with { Sha256 = right }, manifest.Artifacts[1] with { Sha256 = wrong }] };
        await manifestBlob.UploadAsync(BinaryData.FromString(withSha.ToJson()), overwrite: true);

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: true);

        var finding = Assert.Single(result.Findings);
        Assert.Equal("'b.bin'", finding.Name);
        Assert.Equal($"holds bytes with SHA-256 '{Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(h.PathOf("b.bin"))))}', not the manifest's '{wrong}'", finding.Problem);
    }

    [Fact]
    public async Task VerifyAsync_BlobUnderTheVersionNotInTheManifest_IsAWarningNotAFailure()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700));
        await h.PushAsync();
        await h.Direct.GetBlobClient($"{h.Version}/stray.txt").UploadAsync(BinaryData.FromString("stray"));
        var log = new CapturingLog();

        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: false, log);

        Assert.Equal(VerifyStatus.Verified, result.Status);
        Assert.Equal(["stray.txt"], result.Unlisted.Select(n => n[(h.Version.Length + 1)..]));
        Assert.Contains(log.Lines, l => l.Level == ReleaseTargets.Diagnostics.ReleaseLogLevel.Warning && l.Message.StartsWith($"'{h.Version}/stray.txt' is under release", StringComparison.Ordinal));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
