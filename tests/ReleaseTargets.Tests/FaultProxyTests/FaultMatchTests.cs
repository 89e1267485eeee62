using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.FaultProxyTests;

public sealed class FaultMatchTests
{
    private static ProxiedRequest Request(string method, string? comp, string? blobName = "v1/app.zip", string? blockId = null) => new()
    {
        Method = method,
        Path = "/devstoreaccount1/c/" + blobName,
        Query = "",
        Comp = comp,
        BlobName = blobName,
        BlockId = blockId,
    };

    [Fact]
    public void IsMatch_DefaultMatch_AcceptsEverything()
    {
        Assert.True(FaultMatch.Any.IsMatch(Request("GET", null)));
        Assert.True(FaultMatch.Any.IsMatch(Request("PUT", "blocklist")));
    }

    [Fact]
    public void IsMatch_NullComp_OnlyPlainBlobOperations()
    {
        var plain = new FaultMatch { Comp = null };

        Assert.True(plain.IsMatch(Request("PUT", null)));
        Assert.False(plain.IsMatch(Request("PUT", "block")));
    }

    [Fact]
    public void IsMatch_MethodAndComp_CaseInsensitive()
    {
        Assert.True(FaultMatch.PutBlock.IsMatch(Request("put", "Block")));
        Assert.False(FaultMatch.PutBlock.IsMatch(Request("GET", "block")));
        Assert.False(FaultMatch.PutBlock.IsMatch(Request("PUT", "blocklist")));
    }

    [Fact]
    public void IsMatch_BlobNameSubstringAndBlockId_BothMustHold()
    {
        var match = FaultMatch.PutBlock with { BlobNameContains = "app.zip", BlockId = "AAA=" };

        Assert.True(match.IsMatch(Request("PUT", "block", "v1/app.zip", "AAA=")));
        Assert.False(match.IsMatch(Request("PUT", "block", "v1/app.zip", "BBB=")));
        Assert.False(match.IsMatch(Request("PUT", "block", "v1/other.zip", "AAA=")));
        Assert.False(match.IsMatch(Request("PUT", "block", null, "AAA=")));
    }
}
