using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// The attacks and accidents of issue 9 against the real Azurite: names that escape the release, bytes that change after
/// hashing, and a stored blob whose bytes differ from what the push would publish. (Concurrent pushes from separate
/// processes: <see cref="ConcurrentPushTests"/>.)
/// </summary>
[Collection("Azurite")]
public sealed class PublicationSafetyTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";
    private const int BigBytes = (5 * PushHarness.BlockSize) + 99;

    [Theory]
    [InlineData("../**/*.txt", "Artifacts glob '../**/*.txt' contains '..': globs select files under ArtifactsDirectory only")]
    [InlineData("sub/../../x/*", "Artifacts glob 'sub/../../x/*' contains '..'")]
    [InlineData("/etc/*", "Artifacts glob '/etc/*' is an absolute path")]
    public async Task Push_GlobLeavingTheArtifactsFolder_IsRefusedBeforeAnyCredentialOrRequest(string glob, string expected)
    {
        await using var h = await PushHarness.StartAsync(azurite, ("inside.txt", 10));
        await File.WriteAllTextAsync(Path.Combine(h.ArtifactsDirectory, "..", "outside.txt"), "not part of the release");

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync(h.Options(o => o.Artifacts = glob)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("--artifacts", error.Message, StringComparison.Ordinal);
        // Refused when the run is created (parameter validation), so no run, credential or request ever exists.
        Assert.Null(h.LastRun?.SasWindow);
        Assert.Empty(h.Proxy.Requests);
    }

    [Fact]
    public async Task Push_FileNamedWithBackslashesAndDotDot_IsRefusedAndAnotherVersionStaysIntact()
    {
        // The victim: a release already published under another version.
        await using var victim = await PushHarness.StartAsync(azurite, ("v.txt", 64));
        await victim.PushAsync();
        var published = (await victim.Direct.GetBlobClient($"{victim.Version}/v.txt").GetPropertiesAsync()).Value;

        // The attack: a legal Linux file name that the URL turns into "../<victim version>/v.txt".
        var attackName = $"..\\{victim.Version}\\v.txt";
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 100), (attackName, 32), ("ok%2e%2e.txt", 5));

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"'{attackName}' cannot be published: it contains a backslash, which storage and URLs treat as a path separator", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ok%2e%2e.txt' cannot be published: it contains '%'", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 file(s) under ArtifactsDirectory", error.Message, StringComparison.Ordinal);
        Assert.Null(h.LastRun!.SasWindow);
        Assert.Empty(h.Proxy.Requests);
        var after = (await victim.Direct.GetBlobClient($"{victim.Version}/v.txt").GetPropertiesAsync()).Value;
        Assert.Equal(published.ETag, after.ETag);
        await victim.AssertBlobMatchesSourceAsync("v.txt");
    }

    [Fact]
    public async Task Push_SymlinkedDirectoryAndFile_AreRefusedNamingTheLink()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 100));
        var outside = Directory.CreateTempSubdirectory("rt-outside-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "outside the artifacts folder");
            Directory.CreateSymbolicLink(Path.Combine(h.ArtifactsDirectory, "linked-dir"), outside);
            File.CreateSymbolicLink(Path.Combine(h.ArtifactsDirectory, "linked-file.txt"), Path.Combine(outside, "secret.txt"));

            var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

            Assert.Contains("'linked-file.txt' cannot be published: 'linked-file.txt' is a symbolic link", error.Message, StringComparison.Ordinal);
            Assert.Contains($"'linked-dir' cannot be published: it is a symbolic link to a folder (to '{outside}')", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("'linked-dir/secret.txt'", error.Message, StringComparison.Ordinal);
            Assert.Null(h.LastRun!.SasWindow);
            Assert.Empty(h.Proxy.Requests);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Push_LinkCycleInsideTheFolder_IsRefusedOnceWithoutLooping()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 100));
        Directory.CreateDirectory(Path.Combine(h.ArtifactsDirectory, "sub"));
        Directory.CreateSymbolicLink(Path.Combine(h.ArtifactsDirectory, "sub", "loop"), h.ArtifactsDirectory);

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains("1 file(s) under ArtifactsDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sub/loop' cannot be published: it is a symbolic link to a folder", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Proxy.Requests);
    }

    [Fact]
    public async Task Push_MultiBlockFileChangedAfterHashing_FailsNamingItAndCommitsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(afterRefresh: () => OverwriteInPlaceAsync(h.PathOf(Big), offset: (2 * PushHarness.BlockSize) + 10)));

        Assert.Contains($"'{Big}' changed after RefreshCredentials hashed it (block 2 at offset {2 * PushHarness.BlockSize}", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was committed under the old MD5", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
        Assert.Equal(0, h.Proxy.Count(FaultMatch.PutBlockList));

        // The claim was given back (nothing was committed): the re-run hashes the bytes as they now are and publishes exactly them.
        var claim = ReleaseClaim.FromJson((await h.Direct.GetBlobClient(ReleaseClaim.BlobNameFor(h.Version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.True(claim!.Released, h.Log.Text);
        h.Proxy.Reset();
        await h.PushAsync();
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_MultiBlockFileChangedWhileBeingPushed_FailsNamingItAndCommitsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(200)));
        // Manifest check, claim, listing, block list, then two blocks: change the last block while the push is under way.
        var tamper = Task.Run(async () =>
        {
            await h.Proxy.WaitForRequestsAsync(4 + 2);
            await OverwriteInPlaceAsync(h.PathOf(Big), offset: BigBytes - 50);
        });

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1)));
        await tamper;

        Assert.Contains($"'{Big}' changed after RefreshCredentials hashed it (block 5 at offset {5 * PushHarness.BlockSize}", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
        Assert.Equal(0, h.Proxy.Count(FaultMatch.PutBlockList));
    }

    [Fact]
    public async Task Push_SingleBlockFileChangedAfterHashing_FailsAndCommitsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("small.txt", 1000));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(afterRefresh: () => OverwriteInPlaceAsync(h.PathOf("small.txt"), offset: 500)));

        Assert.Contains("'small.txt' changed after RefreshCredentials hashed it", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/small.txt"));
        await h.AssertManifestAbsentAsync();
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(BigBytes)]
    public async Task Push_StoredBlobWithTheRightHeaderButOtherBytes_IsRefusedNotSkipped(int length)
    {
        const string name = "foreign.bin";
        await using var h = await PushHarness.StartAsync(azurite, (name, length));
        await h.Direct.CreateIfNotExistsAsync();
        // Someone else's blob: same length, different bytes, and a Content-MD5 header claiming our file's MD5.
        var ours = await File.ReadAllBytesAsync(h.PathOf(name));
        var theirs = ours.ToArray();
        theirs[length / 2] ^= 0xFF;
        var blob = h.Direct.GetBlockBlobClient($"{h.Version}/{name}");
        await blob.UploadAsync(new MemoryStream(theirs));
        await blob.SetHttpHeadersAsync(new BlobHttpHeaders { ContentHash = MD5.HashData(ours) });

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync());

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{h.Version}/{name}' already exists in container '{h.Container}' with other content than '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("never overwritten", error.Message, StringComparison.Ordinal);
        await h.AssertManifestAbsentAsync();
        // Never overwritten: the foreign bytes are still there for their owner to inspect.
        var stored = await blob.DownloadContentAsync(new BlobDownloadOptions { TransferValidation = new Azure.Storage.DownloadTransferValidationOptions { AutoValidateChecksum = false } });
        Assert.Equal(MD5.HashData(theirs), MD5.HashData(stored.Value.Content.ToArray()));
    }

    private static async Task OverwriteInPlaceAsync(string path, long offset)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Position = offset;
        var original = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(original ^ 0xFF));
    }
}
