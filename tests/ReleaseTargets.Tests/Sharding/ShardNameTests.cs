using ReleaseTargets.Configuration;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>Shard names ignore case everywhere: one canonical (lower-case) form for stage history keys and Seal's list.</summary>
public sealed class ShardNameTests
{
    [Fact]
    public void PushOf_NamesDifferingOnlyInCase_ShareOneStageHistoryKey()
    {
        Assert.Equal("Push[linux-x64]", ReleaseStages.PushOf("Linux-X64"));
        Assert.Equal(ReleaseStages.PushOf("a"), ReleaseStages.PushOf("A"));
        Assert.Equal("Push", ReleaseStages.PushOf(null));
    }

    [Fact]
    public void ExpectedShards_MixedCase_AreCanonical()
    {
        Assert.Equal(["linux", "win"], new ReleaseOptions { Shards = "Linux,WIN" }.ExpectedShards());
        Assert.Equal("a", ShardName.Canonical("A"));
    }

    [Fact]
    public void Resolve_ShardsDifferingOnlyInCase_IsRefusedAsADuplicate()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(
            new Dictionary<string, string> { ["shards"] = "A,a", ["ReleaseVersion"] = "1.0.0" }, new Dictionary<string, string>(), null, [], new Dictionary<string, string>()));

        Assert.Equal(["--shards names 'A' more than once: list each shard once."], error.Problems);
    }
}
