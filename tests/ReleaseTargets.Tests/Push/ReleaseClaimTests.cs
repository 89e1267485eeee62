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

    /// <summary>Hashed line by line, the digest is still SHA-256 of the whole text: claims stored before compare equal.</summary>
    [Fact]
    public void DigestOf_ManyArtifacts_IsSha256OfTheirWholeTextInNameOrder()
    {
        ArtifactContent[] artifacts = [.. Enumerable.Range(0, 3000).Select(i => new ArtifactContent($"d/ü-{2999 - i}-😀.bin", i * 7L, $"md5+{i}/=="))];
        var text = string.Concat(artifacts.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => $"{a.Name}\n{a.Length}\n{a.Md5}\n"));

        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, ReleaseClaim.DigestOf(artifacts));
    }

    private static ReleaseClaim Claim(params ArtifactContent[] artifacts) =>
        new("1.0", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, "agent", artifacts);
}
