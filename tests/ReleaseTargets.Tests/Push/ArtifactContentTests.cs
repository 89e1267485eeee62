using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Push;

/// <summary>
/// Issue 22's SHA-256 rides along in claims and shard records without being part of the content identity: what a push
/// before it wrote (no sha256) is the same release as a new push of the same files, with the same digest.
/// </summary>
public sealed class ArtifactContentTests
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private const string OldClaimJson = """
        {
          "version": "1.0.0",
          "contentDigest": "DIGEST",
          "claimedAt": "2026-11-01T10:00:00+00:00",
          "claimedBy": "agent (pid 1)",
          "artifacts": [
            { "name": "app.bin", "length": 10, "md5": "MD5A" },
            { "name": "sub/notes.txt", "length": 3, "md5": "MD5B" }
          ],
          "released": false
        }
        """;

    private const string OldRecordJson = """
        {
          "version": "1.0.0",
          "shard": "linux",
          "contentDigest": "DIGEST",
          "recordedAt": "2026-11-01T10:00:00+00:00",
          "recordedBy": "agent (pid 1)",
          "artifacts": [
            { "name": "app.bin", "length": 10, "md5": "MD5A" },
            { "name": "sub/notes.txt", "length": 3, "md5": "MD5B" }
          ],
          "stageSeconds": { "Push": 1.5 }
        }
        """;

    private static readonly ArtifactContent[] NewPush = [new("app.bin", 10, "MD5A", Sha), new("sub/notes.txt", 3, "MD5B", Sha.Replace('9', 'a'))];

    [Fact]
    public void Equals_SameNameLengthMd5_IsEqualWhateverTheSha256()
    {
        var old = new ArtifactContent("app.bin", 10, "MD5A");

        Assert.Equal(old, NewPush[0]);
        Assert.True(old == NewPush[0]);
        Assert.Equal(old.GetHashCode(), NewPush[0].GetHashCode());
        Assert.Equal(NewPush[0], NewPush[0] with { Sha256 = Sha.Replace('0', '1') });
        Assert.NotEqual(old, NewPush[0] with { Md5 = "OTHER" });
        Assert.NotEqual(old, NewPush[0] with { Length = 11 });
        Assert.NotEqual(old, NewPush[0] with { Name = "App.bin" });
    }

    [Fact]
    public void FromJson_ClaimWrittenBeforeSha256_ReadsAndHasTheDigestOfANewPushOfTheSameFiles()
    {
        var claim = ReleaseClaim.FromJson(OldClaimJson);

        Assert.NotNull(claim);
        Assert.All(claim.Artifacts, a => Assert.Null(a.Sha256));
        Assert.Equal(NewPush, claim.Artifacts);
        Assert.Equal(ReleaseClaim.DigestOf(NewPush), ReleaseClaim.DigestOf(claim.Artifacts));
        Assert.Equal(ReleaseContent.Of(NewPush), ReleaseContent.Of(claim.Artifacts));
    }

    [Fact]
    public void FromJson_ShardRecordWrittenBeforeSha256_ReadsAndListsTheSameContent()
    {
        var record = ShardRecord.FromJson(OldRecordJson);

        Assert.NotNull(record);
        Assert.Equal(NewPush, record.Artifacts);
        Assert.Equal(ReleaseClaim.DigestOf(NewPush), ReleaseClaim.DigestOf(record.Artifacts));
    }

    [Fact]
    public void ToJson_Sha256KnownOrNot_WrittenOnlyWhenKnownAndReadBack()
    {
        var withSha = new ReleaseClaim("1.0.0", ReleaseClaim.DigestOf(NewPush), DateTimeOffset.UnixEpoch, "agent", NewPush);
        var without = withSha with { Artifacts = [new ArtifactContent("app.bin", 10, "MD5A")] };

        Assert.Contains($"\"sha256\": \"{Sha}\"", withSha.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", without.ToJson(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(NewPush.Select(a => a.Sha256), ReleaseClaim.FromJson(withSha.ToJson())!.Artifacts.Select(a => a.Sha256));
        var record = ShardRecord.For(withSha, "linux", DateTimeOffset.UnixEpoch, new Dictionary<string, double>());
        Assert.Equal(NewPush.Select(a => a.Sha256), ShardRecord.FromJson(record.ToJson())!.Artifacts.Select(a => a.Sha256));
    }

    [Fact]
    public void Sha256SumsFor_EveryArtifactHasOne_OneLinePerArtifactInOrdinalNameOrder()
    {
        var sums = Sha256Sums.For([NewPush[1], NewPush[0], new ArtifactContent("B.txt", 1, "M", Sha.Replace('f', 'e'))]);

        Assert.NotNull(sums);
        Assert.Equal($"{Sha.Replace('f', 'e')}  B.txt\n{Sha}  app.bin\n{Sha.Replace('9', 'a')}  sub/notes.txt\n", sums.Text);
    }

    [Fact]
    public void Sha256SumsFor_AnArtifactWithoutSha256_IsNoFileAtAll()
    {
        Assert.Null(Sha256Sums.For([NewPush[0], new ArtifactContent("old.bin", 1, "M")]));
    }
}
