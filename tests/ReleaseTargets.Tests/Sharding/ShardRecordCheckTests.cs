using ReleaseTargets.Seal;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>When Seal trusts a shard's record: this release, the expected shard, no reserved path, exactly its claim.</summary>
public sealed class ShardRecordCheckTests
{
    private static readonly ArtifactContent[] Files = [new("b.txt", 10, "Qg==")];

    [Fact]
    public void Problem_RecordMatchingItsClaim_IsNone()
    {
        Assert.Null(ShardRecordCheck.Problem("1.0", "b", Record("1.0", "B", Files), Claim(Files)));
    }

    [Theory]
    [InlineData("2.0", "b", "names release '2.0'")]
    [InlineData("1.0", "a", "names shard 'a', not 'b'")]
    public void Problem_RecordOfAnotherReleaseOrShard_NamesIt(string version, string shard, string expected)
    {
        Assert.Equal(expected, ShardRecordCheck.Problem("1.0", "b", Record(version, shard, Files), Claim(Files)));
    }

    [Theory]
    [InlineData("release-manifest.json", "at the root of the release, 'release-manifest.json' (in any case) is the name of the release manifest")]
    [InlineData("_releasetargets/claims/1.0.json", "the folder '_releasetargets/' is reserved")]
    [InlineData("../1.1/x.bin", "it has a '..' path segment")]
    public void Problem_RecordListingAReservedPath_NamesThePathAndWhy(string name, string why)
    {
        ArtifactContent[] files = [.. Files, new(name, 1, "eA==")];

        Assert.StartsWith($"lists '{name}', which no artifact can be ({why}", ShardRecordCheck.Problem("1.0", "b", Record("1.0", "b", files), Claim(files)));
    }

    [Fact]
    public void Problem_RecordWithoutAClaim_IsRefused()
    {
        Assert.Equal("has no readable claim ('_releasetargets/claims/1.0/b.json'), so no push of shard 'b' is known to have published it", ShardRecordCheck.Problem("1.0", "b", Record("1.0", "b", Files), claim: null));
    }

    [Fact]
    public void Problem_RecordWhoseDigestDoesNotMatchItsList_IsRefused()
    {
        var record = Record("1.0", "b", Files) with { ContentDigest = "00" };

        Assert.Equal("lists artifacts that do not match its own content digest '00'", ShardRecordCheck.Problem("1.0", "b", record, Claim(Files)));
    }

    private static ShardRecord Record(string version, string shard, ArtifactContent[] artifacts) =>
        new(version, shard, ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "agent", artifacts, new Dictionary<string, double>());

    private static ReleaseClaim Claim(ArtifactContent[] artifacts) => new("1.0", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "agent", artifacts);
}
