using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>
/// Sharded releases end to end against one Azurite: every push and every seal is a separate process with its own state
/// folder, as separate CI agents would run them.
/// </summary>
[Collection("Azurite")]
public sealed class ShardedReleaseTests(AzuriteFixture azurite)
{
    private const int Block = 1024 * 1024;

    [Fact]
    public async Task Seal_FourShardsPushedConcurrently_ManifestListsExactlyTheUnionVerifiedByDownload()
    {
        using var release = new ShardedRelease(azurite);
        string[] shards = ["1", "2", "3", "4"];
        var license = new byte[1000];
        new Random(5).NextBytes(license);
        foreach (var (shard, i) in shards.Select((s, i) => (s, i)))
        {
            // Each shard its own files, and one identical file in every shard (the same content under one name is allowed).
            release.WriteShard(shard, seed: i, ($"app-{shard}.bin", (3 * Block) + 17 + i), ($"notes-{shard}.txt", 300 + i));
            await File.WriteAllBytesAsync(Path.Combine(release.ArtifactsOf(shard), "LICENSE"), license);
        }

        // The seal starts with the pushes, as a needs: job would on a fast runner: it waits for them.
        using var seal = await release.StartSealAsync(shards, timeoutSeconds: 180);
        var pushes = new List<Faults.PushProcess>();
        try
        {
            foreach (var shard in shards)
            {
                pushes.Add(await release.StartPushAsync(shard));
            }

            var codes = await Task.WhenAll(pushes.Select(p => p.WaitAsync()));
            Assert.All(Enumerable.Range(0, shards.Length), i => Assert.True(codes[i] == 0, pushes[i].Output));
            Assert.All(pushes, p => Assert.Contains("recorded: ", p.Output, StringComparison.Ordinal));
        }
        finally
        {
            pushes.ForEach(p => p.Dispose());
        }

        Assert.True(await seal.WaitAsync() == 0, seal.Output);
        Assert.Contains("Seal complete: release '" + release.Version + "', 4 shards, 9 artifacts", seal.Output, StringComparison.Ordinal);
        await release.AssertSealedExactlyAsync(shards);
        var manifest = ReleaseManifest.FromJson((await release.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(release.Version)).DownloadContentAsync()).Value.Content.ToString())!;
        Assert.All(shards, s => Assert.True(manifest.StageSeconds.ContainsKey($"{s}/Push"), string.Join(", ", manifest.StageSeconds.Keys)));
    }

    [Fact]
    public async Task Seal_ShardKilledMidPush_FailsNamingItThenTheRerunSendsOnlyMissingBlocksAndTheSealCompletes()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("small", seed: 1, ("small.txt", 500));
        release.WriteShard("big", seed: 2, ("big.bin", (12 * Block) + 3));
        Assert.Equal(0, (await release.PushAsync("small")).Code);
        await using var proxy = await FaultProxy.StartAsync(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreatePinnedHandler());
        var viaProxy = new Uri(proxy.BaseUri, "/" + azurite.Emulator.AccountName);
        proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(300)));

        using (var child = await release.StartPushAsync("big", viaProxy))
        {
            // Manifest, whole-release claim, shard claim, listing, block list; then blocks: kill once five are staged.
            var started = proxy.WaitForRequestsAsync(5 + 5);
            var exited = child.WaitAsync();
            if (await Task.WhenAny(started, exited) == exited)
            {
                Assert.Fail($"The shard push exited with {child.Process.ExitCode} before it was killed:\n{child.Output}");
            }

            await started;
            child.Process.Kill(entireProcessTree: true); // SIGKILL: no cancellation, no cleanup
            await child.WaitAsync();
        }

        var staged = await PushHarness.StableUncommittedAsync(release.Direct.GetBlockBlobClient($"{release.Version}/big.bin"));
        Assert.InRange(staged.Count, 5, 12);

        var (failedCode, failedOutput) = await release.SealAsync(["small", "big"], timeoutSeconds: 1);
        Assert.Equal(1, failedCode);
        Assert.Contains("Seal of release '" + release.Version + "' refused after waiting", failedOutput, StringComparison.Ordinal);
        Assert.Matches("shard 'big' was claimed at .* but is not recorded", failedOutput);
        Assert.DoesNotContain("shard 'small'", failedOutput, StringComparison.Ordinal);
        Assert.False(await release.ManifestExistsAsync());

        proxy.ClearRules();
        proxy.Reset();
        var (rerunCode, rerunOutput) = await release.PushAsync("big", viaProxy);
        Assert.True(rerunCode == 0, rerunOutput);
        var sent = proxy.Requests.Where(r => r.Comp == "block").Select(r => r.BlockId).ToList();
        Assert.Empty(sent.Intersect(staged));
        Assert.Equal(13 - staged.Count, sent.Count);

        var (sealCode, sealOutput) = await release.SealAsync(["small", "big"], timeoutSeconds: 1);
        Assert.True(sealCode == 0, sealOutput);
        await release.AssertSealedExactlyAsync("small", "big");
    }

    [Fact]
    public async Task Seal_TwoShardsPublishTheSameNameWithDifferentContent_IsRefusedNamingBoth()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("x.bin", 300), ("a.txt", 10));
        release.WriteShard("b", seed: 2, ("x.bin", 300), ("b.txt", 10));

        Assert.Equal(0, (await release.PushAsync("a")).Code);
        var (code, output) = await release.PushAsync("b");
        Assert.Equal(1, code);
        Assert.Contains($"'{release.Version}/x.bin' already exists in container 'releases' with other content", output, StringComparison.Ordinal);

        var (sealCode, sealOutput) = await release.SealAsync(["a", "b"], timeoutSeconds: 60);

        Assert.Equal(1, sealCode);
        Assert.Contains("shards 'a' and 'b' both publish 'x.bin' with different content ('a': 300 bytes", sealOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting for the shards", sealOutput, StringComparison.Ordinal); // no waiting can fix a collision
        Assert.False(await release.ManifestExistsAsync());
    }

    [Fact]
    public async Task PushShard_IdenticalRerunIsANoOpAndTheSameNameWithDifferentContentIsRefused()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("app.bin", (2 * Block) + 1), ("a.txt", 10));
        Assert.Equal(0, (await release.PushAsync("a")).Code);

        var (rerunCode, rerunOutput) = await release.PushAsync("a");
        Assert.True(rerunCode == 0, rerunOutput);
        Assert.Contains("Push complete: 2 artifacts, 2.0 MiB (0 B sent)", rerunOutput, StringComparison.Ordinal);

        release.WriteShard("a", seed: 9, ("app.bin", (2 * Block) + 1), ("a.txt", 10));
        var (code, output) = await release.PushAsync("a");

        Assert.Equal(1, code);
        Assert.Contains($"Shard 'a' of release '{release.Version}' is claimed by another push with different artifacts", output, StringComparison.Ordinal);
        Assert.Contains("nothing was sent", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushShard_ToASealedVersion_IsRefusedAndAnIdenticalRerunIsANoOp()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 700));
        release.WriteShard("late", seed: 2, ("late.bin", 700));
        Assert.Equal(0, (await release.PushAsync("a")).Code);
        Assert.Equal(0, (await release.SealAsync(["a"], timeoutSeconds: 10)).Code);

        var (code, output) = await release.PushAsync("late");
        var (rerunCode, rerunOutput) = await release.PushAsync("a");

        Assert.Equal(1, code);
        Assert.Contains($"Release '{release.Version}' is sealed", output, StringComparison.Ordinal);
        Assert.Contains("pushing an artifact to a sealed version is refused, and shard 'late' sent nothing ('late.bin' is not in it)", output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/late.bin").ExistsAsync());
        Assert.True(rerunCode == 0, rerunOutput);
        await release.AssertSealedExactlyAsync("a");
    }

    [Fact]
    public async Task PushShard_AfterTheSealWithAnotherShardsArtifacts_IsRefusedAsDifferentContent()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 700));
        release.WriteShard("b", seed: 2, ("b.bin", 700));
        Assert.Equal(0, (await release.PushAsync("a")).Code);
        Assert.Equal(0, (await release.PushAsync("b")).Code);
        Assert.Equal(0, (await release.SealAsync(["a", "b"], timeoutSeconds: 10)).Code);

        // Every file is in the manifest, but not as shard b's: b was recorded with b.bin.
        var (code, output) = await release.PushAsync("b", folderOf: "a");

        Assert.Equal(1, code);
        Assert.Contains($"Shard 'b' of release '{release.Version}' is already recorded with different artifacts", output, StringComparison.Ordinal);
        await release.AssertSealedExactlyAsync("a", "b");
    }

    [Fact]
    public async Task PushWhole_OfAVersionBeingPushedInShards_IsRefused()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 700));
        release.WriteShard("other", seed: 2, ("other.bin", 700));
        Assert.Equal(0, (await release.PushAsync("a")).Code);

        using var whole = await release.StartWholePushAsync("other");
        Assert.Equal(1, await whole.WaitAsync());

        Assert.Contains($"Release '{release.Version}' is being pushed in shards", whole.Output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/other.bin").ExistsAsync());
        Assert.False(await release.ManifestExistsAsync());
    }

    [Fact]
    public async Task PushShard_OfAVersionClaimedByAWholePush_IsRefused()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("whole", seed: 1, ("a-first.txt", 10), ("z.bin", 300));
        release.WriteShard("a", seed: 2, ("a.bin", 700));
        // A whole push (one file at a time, in name order) that commits a-first.txt and then fails on z.bin, another
        // writer's blob: its claim stays, and there is no manifest.
        await release.Direct.CreateIfNotExistsAsync();
        await release.Direct.GetBlobClient($"{release.Version}/z.bin").UploadAsync(BinaryData.FromString("another writer"));
        using (var whole = await release.StartWholePushAsync("whole"))
        {
            Assert.True(await whole.WaitAsync() == 1, whole.Output);
            Assert.Contains("a-first.txt (10 B)", whole.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("claim was given back", whole.Output, StringComparison.Ordinal);
        }

        var (code, output) = await release.PushAsync("a");

        Assert.True(code == 1, output);
        Assert.Contains($"Release '{release.Version}' is being pushed whole, without --shard", output, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/a.bin").ExistsAsync());
    }

    /// <summary>The uncommitted blocks, read until the list stops changing (the proxy may still complete a block after the kill).</summary>
}
