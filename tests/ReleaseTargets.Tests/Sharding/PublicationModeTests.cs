using Azure.Storage.Blobs.Models;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using Xunit.Abstractions;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>
/// Whole or sharded is decided by one conditional write, the version's claim (<c>_releasetargets/claims/&lt;version&gt;.json</c>
/// with its mode): a whole push and a shard push of one version racing as separate processes never both publish.
/// </summary>
[Collection("Azurite")]
public sealed class PublicationModeTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Block = 1024 * 1024;

    [Fact]
    public async Task PushWholeAndPushShard_RacingForOneVersion_ExactlyOneModePublishesAndTheManifestListsEveryBlob()
    {
        var winners = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            using var release = new ShardedRelease(azurite);
            // The shard uploads for a while (24 blocks, one at a time): a check made once before uploading cannot see it coming.
            release.WriteShard("s1", seed: round, ("shard.bin", (24 * Block) + 5));
            release.WriteShard("whole", seed: round + 100, ("whole.bin", (2 * Block) + 3), ("notes.txt", 100));

            // Both start within milliseconds, as two CI jobs would; who starts first alternates.
            var shardFirst = round % 2 == 0;
            using var first = shardFirst ? await release.StartPushAsync("s1") : await release.StartWholePushAsync("whole");
            using var second = shardFirst ? await release.StartWholePushAsync("whole") : await release.StartPushAsync("s1");
            var (shard, whole) = shardFirst ? (first, second) : (second, first);
            var codes = await Task.WhenAll(shard.WaitAsync(), whole.WaitAsync());
            var outputs = $"round {round}\nshard:\n{shard.Output}\nwhole:\n{whole.Output}";

            Assert.True(codes.Count(c => c == 0) == 1, outputs);
            if (codes[0] == 0)
            {
                winners.Add("sharded");
                Assert.True(codes[1] == 1, outputs);
                Assert.Contains($"Release '{release.Version}' is being pushed in shards (claimed for shards by", whole.Output, StringComparison.Ordinal);
                Assert.Contains("nothing was sent", whole.Output, StringComparison.Ordinal);
                Assert.False(await release.Direct.GetBlobClient($"{release.Version}/whole.bin").ExistsAsync(), outputs);
                var (sealCode, sealOutput) = await release.SealAsync(["s1"], timeoutSeconds: 10);
                Assert.True(sealCode == 0, sealOutput);
            }
            else
            {
                winners.Add("whole");
                Assert.True(codes[0] == 1, outputs);
                Assert.Contains($"Release '{release.Version}' is being pushed whole, without --shard", shard.Output, StringComparison.Ordinal);
                Assert.Contains("shard 's1' was refused and nothing was sent", shard.Output, StringComparison.Ordinal);
                Assert.False(await release.Direct.GetBlobClient($"{release.Version}/shard.bin").ExistsAsync(), outputs);
            }

            await AssertManifestListsEveryBlobAsync(release);
        }

        Assert.Equal(5, winners.Count);
        output.WriteLine($"Modes that won, round by round: {string.Join(", ", winners)}");
    }

    [Fact]
    public async Task PushShard_OfAVersionAlreadyPublishedWhole_IsRefusedNamingTheWholePush()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("whole", seed: 1, ("whole.bin", 700));
        using (var whole = await release.StartWholePushAsync("whole"))
        {
            Assert.True(await whole.WaitAsync() == 0, whole.Output);
        }

        // Even with the very files the manifest lists: the version was published whole.
        var (code, output) = await release.PushAsync("s1", folderOf: "whole");

        Assert.True(code == 1, output);
        Assert.Contains($"Release '{release.Version}' is being pushed whole, without --shard", output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient(ShardRecord.BlobNameFor(release.Version, "s1")).ExistsAsync());
    }

    [Fact]
    public async Task PushShard_OfAVersionWithAClaimWrittenBeforeModes_IsRefusedAsWholeUntilItIsGivenBack()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 700));
        await release.Direct.CreateIfNotExistsAsync();
        // A claim as the code before modes wrote it: no "mode" field.
        var old = new ReleaseClaim(release.Version, "0123", DateTimeOffset.UnixEpoch, "old-agent (pid 1)", [new ArtifactContent("w.bin", 1, "AAAA")]);
        var node = System.Text.Json.Nodes.JsonNode.Parse(old.ToJson())!.AsObject();
        node.Remove("mode");
        var json = node.ToJsonString();
        Assert.DoesNotContain("mode", json, StringComparison.Ordinal);
        var claimBlob = release.Direct.GetBlobClient(ReleaseClaim.BlobNameFor(release.Version));
        await claimBlob.UploadAsync(BinaryData.FromString(json));

        var (code, output) = await release.PushAsync("a");

        Assert.True(code == 1, output);
        Assert.Contains($"Release '{release.Version}' is being pushed whole, without --shard (claimed by old-agent (pid 1)", output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/a.bin").ExistsAsync());

        // Given back (the whole push failed before committing anything): the shard takes the version over.
        await claimBlob.UploadAsync(BinaryData.FromString((old with { Released = true }).ToJson()), overwrite: true);
        var (rerunCode, rerunOutput) = await release.PushAsync("a");

        Assert.True(rerunCode == 0, rerunOutput);
        var claim = ReleaseClaim.FromJson((await claimBlob.DownloadContentAsync()).Value.Content.ToString())!;
        Assert.True(claim.IsSharded);
        Assert.False(claim.Released);
    }

    [Fact]
    public async Task PushWhole_OfAVersionWithAShardRecordWrittenBeforeModes_IsRefused()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("whole", seed: 1, ("whole.bin", 700));
        await release.Direct.CreateIfNotExistsAsync();
        // What a shard push before modes left: a record, and no claim of the version.
        await release.Direct.GetBlobClient(ShardRecord.BlobNameFor(release.Version, "old")).UploadAsync(BinaryData.FromString("{}"));

        using var whole = await release.StartWholePushAsync("whole");

        Assert.True(await whole.WaitAsync() == 1, whole.Output);
        Assert.Contains($"Release '{release.Version}' is being pushed in shards ('{ShardRecord.BlobNameFor(release.Version, "old")}' exists)", whole.Output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/whole.bin").ExistsAsync());
    }

    /// <summary>A real listing of the version: every blob apart from the shard records and the manifest itself is in the manifest, and nothing else is.</summary>
    private static async Task AssertManifestListsEveryBlobAsync(ShardedRelease release)
    {
        var manifest = ReleaseManifest.FromJson((await release.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(release.Version)).DownloadContentAsync()).Value.Content.ToString());
        Assert.NotNull(manifest);
        var stored = new List<string>();
        await foreach (var item in release.Direct.GetBlobsAsync(new GetBlobsOptions { Prefix = release.Version + "/" }))
        {
            stored.Add(item.Name[(release.Version.Length + 1)..]);
        }

        var artifacts = stored.Where(n => !n.StartsWith(ShardRecord.FolderName + "/", StringComparison.Ordinal) && n != ReleaseManifest.FileName && n != Sha256Sums.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(artifacts, manifest.Artifacts.Select(a => a.Name).Order(StringComparer.Ordinal));
    }
}
