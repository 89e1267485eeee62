using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>
/// What Seal and the shard pushes trust: shard names compared ignoring case, and a record only when it lists exactly what
/// its shard's push claimed and no path an artifact can never have. Real processes against the collection's Azurite.
/// </summary>
[Collection("Azurite")]
public sealed class ShardTrustTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PushShard_NamesDifferingOnlyInCase_AreOneShardAndSealFindsItUnderEitherCase()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("A", seed: 1, ("upper.bin", 500));
        release.WriteShard("a", seed: 2, ("lower.bin", 500));

        var (upperCode, upperOutput) = await release.PushAsync("A");
        var (lowerCode, lowerOutput) = await release.PushAsync("a");

        Assert.True(upperCode == 0, upperOutput);
        Assert.Contains("Shard 'a' recorded: ", upperOutput, StringComparison.Ordinal);
        Assert.Equal(1, lowerCode);
        Assert.Contains($"Shard 'a' of release '{release.Version}' is claimed by another push with different artifacts", lowerOutput, StringComparison.Ordinal);
        Assert.False(await release.Direct.GetBlobClient($"{release.Version}/lower.bin").ExistsAsync());
        Assert.Equal([ShardRecord.BlobNameFor(release.Version, "a")], await NamesAsync(release, ShardRecord.PrefixFor(release.Version)));
        Assert.Equal([ReleaseClaim.BlobNameFor(release.Version, "a")], await NamesAsync(release, ReleaseClaim.ShardPrefixFor(release.Version)));

        var (sealCode, sealOutput) = await release.SealAsync(["A"], timeoutSeconds: 10);

        Assert.True(sealCode == 0, sealOutput);
        await release.AssertSealedExactlyAsync("A");
    }

    [Fact]
    public async Task Seal_RecordsWrittenBeforeNamesIgnoredCaseThatDifferOnlyInCase_IsRefusedNamingBoth()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 500));
        Assert.Equal(0, (await release.PushAsync("a")).Code);
        // What the code before this rule let a push write: a second record for the same shard, in another case.
        var record = release.Direct.GetBlobClient(ShardRecord.BlobNameFor(release.Version, "a"));
        await release.Direct.GetBlobClient($"{ShardRecord.PrefixFor(release.Version)}A.json").UploadAsync((await record.DownloadContentAsync()).Value.Content);

        var (code, output) = await release.SealAsync(["a"], timeoutSeconds: 10);

        Assert.Equal(1, code);
        Assert.Contains("the shard records 'A' and 'a' differ only in case", output, StringComparison.Ordinal);
        Assert.False(await release.ManifestExistsAsync());
    }

    [Theory]
    [InlineData(true, "lists '_shards/a.json', which no artifact can be (the folder '_shards/' is reserved for the records of a sharded release)")]
    [InlineData(false, "does not list what the push of shard 'b' claimed ('a.txt' is recorded but not claimed)")]
    public async Task Seal_ForgedRecordClaimingAnotherShardsFiles_IsRefusedNamingTheShardAndTheProblem(bool listsARecord, string problem)
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.txt", 100));
        release.WriteShard("b", seed: 2, ("b.txt", 100));
        Assert.Equal(0, (await release.PushAsync("a")).Code);
        Assert.Equal(0, (await release.PushAsync("b")).Code);

        // Anyone holding a shard agent's SAS can write a well-formed record: b's now names a's file (and a's record).
        var aRecordBytes = (await release.Direct.GetBlobClient(ShardRecord.BlobNameFor(release.Version, "a")).DownloadContentAsync()).Value.Content.ToArray();
        var aRecord = ShardRecord.FromJson(System.Text.Encoding.UTF8.GetString(aRecordBytes))!;
        List<ArtifactContent> artifacts = [.. aRecord.Artifacts];
        if (listsARecord)
        {
            artifacts.Add(new ArtifactContent($"{ShardRecord.FolderName}/a.json", aRecordBytes.Length, Convert.ToBase64String(MD5.HashData(aRecordBytes))));
        }

        var forged = new ShardRecord(release.Version, "b", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "intruder", artifacts, new Dictionary<string, double>());
        await release.Direct.GetBlobClient(ShardRecord.BlobNameFor(release.Version, "b")).UploadAsync(BinaryData.FromString(forged.ToJson()), overwrite: true);

        var (code, output) = await release.SealAsync(["a", "b"], timeoutSeconds: 10);

        Assert.True(code == 1, output);
        Assert.Contains($"Seal of release '{release.Version}' refused: the record of shard 'b' (", output, StringComparison.Ordinal);
        Assert.Contains(problem, output, StringComparison.Ordinal);
        Assert.False(await release.ManifestExistsAsync());
    }

    private static async Task<List<string>> NamesAsync(ShardedRelease release, string prefix)
    {
        var names = new List<string>();
        await foreach (var item in release.Direct.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(item.Name);
        }

        return names;
    }
}
