using ReleaseTargets.Composition;

namespace ReleaseTargets.Tests.Composition;

public sealed class BuildCommandLineTests
{
    [Fact]
    public void Parse_FirstBareArgumentIsTheTarget_NamedValuesAndFlagsAreParameters()
    {
        var line = BuildCommandLine.Parse(["Push", "--release-version=1.2.3", "--exclusive", "ignored", "--storage-url=https://a.blob.core.windows.net/?x=1"]);

        Assert.Equal("Push", line.Target);
        Assert.Equal("1.2.3", line.Parameters["release-version"]);
        Assert.Equal("", line.Parameters["exclusive"]);
        Assert.Equal("https://a.blob.core.windows.net/?x=1", line.Parameters["storage-url"]);
        Assert.Equal(3, line.Parameters.Count);
    }

    [Fact]
    public void Parse_TargetParameter_WinsAndIsNotAReleaseParameter()
    {
        var line = BuildCommandLine.Parse(["--target=Seal", "Push"]);

        Assert.Equal("Seal", line.Target);
        Assert.Empty(line.Parameters);
    }

    [Fact]
    public void OwnedByTheBuild_LeavesTheBuildsOwnNames_KeepsReleaseParametersAndNearMisses()
    {
        var line = BuildCommandLine.Parse(["--configuration=Release", "--container=x", "--contaner=y", "--Block_Size_MiB=4", "--skip-tests", "--shards=a"]);

        Assert.Equal(["configuration", "skip-tests"], line.OwnedByTheBuild().Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("container", "contaner", 1)]
    [InlineData("shard", "shards", 1)]
    [InlineData("configuration", "container", 9)]
    [InlineData("", "abc", 3)]
    public void Distance_CountsEdits(string a, string b, int expected) => Assert.Equal(expected, BuildCommandLine.Distance(a, b));
}
