using System.Security.Cryptography;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Faults;

/// <summary>The refusal a push of other content gets, through the real claim path: "there" is the claimed release, "here" this push.</summary>
[Collection("Azurite")]
public sealed class ClaimConflictTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Push_VersionClaimedForOtherContent_IsRefusedSayingThereForTheClaimAndHereForThisPush()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300), ("new.txt", 7));
        await h.Direct.CreateIfNotExistsAsync();
        ArtifactContent[] claimed = [new("app.bin", 200, "Q0xBSU1FRA=="), new("old.txt", 3, "T0xE")];
        var other = new ReleaseClaim(h.Version, ReleaseClaim.DigestOf(claimed), DateTimeOffset.UnixEpoch, "agent-7 (pid 42)", claimed) { Mode = ReleaseClaim.WholeMode };
        await h.Direct.GetBlobClient(ReleaseClaim.BlobNameFor(h.Version)).UploadAsync(BinaryData.FromString(other.ToJson()));
        var md5 = Convert.ToBase64String(MD5.HashData(await File.ReadAllBytesAsync(h.PathOf("app.bin"))));

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"Release '{h.Version}' is claimed by another push with different artifacts (claimed by agent-7 (pid 42) at 1970-01-01 00:00:00Z; 'app.bin' is 200 bytes with MD5 'Q0xBSU1FRA==' there, 300 bytes with MD5 '{md5}' here)", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/app.bin"));

        // Only a name differs: the one only this push has is "in this push", the one only the claim has "in the claimed release".
        ArtifactContent[] sameApp = [new("app.bin", 300, md5), new("old.txt", 3, "T0xE")];
        await h.Direct.GetBlobClient(ReleaseClaim.BlobNameFor(h.Version)).UploadAsync(BinaryData.FromString((other with { Artifacts = sameApp, ContentDigest = ReleaseClaim.DigestOf(sameApp) }).ToJson()), overwrite: true);

        var second = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains("'new.txt' is in this push but not in the claimed release", second.Message, StringComparison.Ordinal);
    }
}
