using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Push;

/// <summary>The refusal's one line on how this push differs from the stored claim: "there" is the claim, "here" this push.</summary>
public sealed class ReleaseClaimTests
{
    private static readonly ReleaseClaim Stored = Claim(new ArtifactContent("b.bin", 10, "STORED"), new ArtifactContent("c.txt", 1, "C"));

    [Fact]
    public void FirstDifference_SameNameOtherContent_SaysThereForTheClaimAndHereForThisPush()
    {
        var push = Claim(new ArtifactContent("b.bin", 12, "PUSHED"), new ArtifactContent("c.txt", 1, "C"));

        Assert.Equal("'b.bin' is 10 bytes with MD5 'STORED' there, 12 bytes with MD5 'PUSHED' here", Stored.FirstDifference(push));
    }

    [Fact]
    public void FirstDifference_FileOnlyInThisPush_SaysItIsInThisPush()
    {
        var push = Claim(new ArtifactContent("a.new", 5, "N"), new ArtifactContent("b.bin", 10, "STORED"), new ArtifactContent("c.txt", 1, "C"));

        Assert.Equal("'a.new' is in this push but not in the claimed release", Stored.FirstDifference(push));
    }

    [Fact]
    public void FirstDifference_FileOnlyInTheClaim_SaysItIsInTheClaimedRelease()
    {
        var push = Claim(new ArtifactContent("c.txt", 1, "C"));

        Assert.Equal("'b.bin' is in the claimed release but not in this push", Stored.FirstDifference(push));
    }

    private static ReleaseClaim Claim(params ArtifactContent[] artifacts) =>
        new("1.0", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "agent", artifacts);
}
