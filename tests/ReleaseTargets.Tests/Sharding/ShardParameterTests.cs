using ReleaseTargets.Configuration;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>--shard, --shards, --shard-count and --seal-timeout: validated with every other parameter, before anything runs.</summary>
public sealed class ShardParameterTests
{
    private static readonly Dictionary<string, string> None = new();

    [Theory]
    [InlineData("../other")]
    [InlineData("a/b")]
    [InlineData("_releasetargets")]
    [InlineData("linux.")]
    public void Resolve_ShardNameThatCouldLeaveItsFolder_IsRefusedNamingShard(string name)
    {
        var error = Refused(("shard", name));

        Assert.StartsWith($"--shard '{name}' ", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ShardsAndShardCountTogetherAndADuplicate_ListsEveryProblem()
    {
        var error = Refused(("shards", "linux,win,linux,a/b"), ("shard-count", "3"));

        Assert.Equal(
            [
                "--shards: 'a/b' may hold only letters, digits, '.', '-', '+' and '_', starting with a letter or digit (it becomes a blob name); write the names comma-separated (e.g. --shards=linux,windows,macos).",
                "--shards names 'linux' more than once: list each shard once.",
                "--shards and --shard-count '3' are both set: pass one of them (--shard-count=N means shards named 1 to N).",
            ],
            error.Problems);
    }

    [Theory]
    [InlineData("shard-count", "1001")]
    [InlineData("seal-timeout", "2d")]
    public void Resolve_OutOfRange_IsRefusedNamingTheParameter(string name, string value)
    {
        Assert.StartsWith($"--{name} '{value}' is not", Assert.Single(Refused((name, value)).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpectedShards_FromShardsOrShardCount_InTheOrderGiven()
    {
        var listed = ReleaseParameters.Resolve(new Dictionary<string, string> { ["shards"] = " linux, win ,mac", ["seal-timeout"] = "90s" }, None, null, [], Version);
        var counted = ReleaseParameters.Resolve(new Dictionary<string, string> { ["shard-count"] = "3" }, None, null, [], Version);

        Assert.Equal(["linux", "win", "mac"], listed.ExpectedShards());
        Assert.Equal(TimeSpan.FromSeconds(90), listed.SealTimeout);
        Assert.Equal(["1", "2", "3"], counted.ExpectedShards());
        Assert.Empty(new ReleaseOptions().ExpectedShards());
    }

    [Fact]
    public async Task SealAsync_NoShardsGiven_FailsNamingBothParametersBeforeConnecting()
    {
        var state = Directory.CreateTempSubdirectory("rt-seal-").FullName;
        try
        {
            await using var run = new ReleaseRun(new ReleaseOptions { ReleaseVersion = "1.0", StateDirectory = state, StorageUrl = new Uri("https://127.0.0.1:9") }, new CapturingLog(), TimeProvider.System, new Dictionary<string, string>());

            var error = await Assert.ThrowsAsync<ReleaseConfigurationException>(() => run.SealAsync());

            Assert.Equal("Seal needs the shards to wait for: pass --shards=a,b,c (the --shard names of the pushes) or --shard-count=N (shards named 1 to N).", error.Message);
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(state);
        }
    }

    private static ReleaseConfigurationException Refused(params (string Name, string Value)[] arguments) =>
        Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(arguments.ToDictionary(a => a.Name, a => a.Value), None, null, [], Version));

    private static Dictionary<string, string> Version => new() { ["ReleaseVersion"] = "1.0.0" };
}
