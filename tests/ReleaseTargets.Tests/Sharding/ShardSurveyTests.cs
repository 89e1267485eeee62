using ReleaseTargets.Seal;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>What one look at the shards says: collisions name both shards, missing shards say why from their claims.</summary>
public sealed class ShardSurveyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Collisions_TwoRecordsSameNameDifferentContent_NameBothShardsAndBothContents()
    {
        var survey = new ShardSurvey(["a", "b"], new Dictionary<string, ShardRecord> { ["a"] = Record("a", ("x.bin", 10, "AAA")), ["b"] = Record("b", ("x.bin", 12, "BBB")) }, Claims(), []);

        var collision = Assert.Single(survey.Collisions());
        Assert.StartsWith("shards 'a' and 'b' both publish 'x.bin' with different content ('a': 10 bytes, MD5 'AAA'; 'b': 12 bytes, MD5 'BBB')", collision, StringComparison.Ordinal);
        Assert.True(survey.CannotComplete);
    }

    [Fact]
    public void Collisions_SameNameSameContent_IsNoCollision()
    {
        var survey = new ShardSurvey(["a", "b"], new Dictionary<string, ShardRecord> { ["a"] = Record("a", ("x.bin", 10, "AAA")), ["b"] = Record("b", ("x.bin", 10, "AAA")) }, Claims(), []);

        Assert.Empty(survey.Collisions());
        Assert.Empty(survey.Problems());
    }

    [Fact]
    public void Collisions_ShardThatGaveItsClaimBack_StillCollidesWithTheRecordedShard()
    {
        var released = new ReleaseClaim("1.0", "d", At, "agent-b", [new ArtifactContent("x.bin", 12, "BBB")]) { Released = true };
        var survey = new ShardSurvey(["a", "b"], new Dictionary<string, ShardRecord> { ["a"] = Record("a", ("x.bin", 10, "AAA")) }, Claims(("b", released)), []);

        Assert.Contains("shards 'a' and 'b' both publish 'x.bin'", Assert.Single(survey.Collisions()), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_MissingShards_SayWhyFromTheirClaims()
    {
        var running = new ReleaseClaim("1.0", "d", At, "agent-c (pid 7)", []);
        var failed = new ReleaseClaim("1.0", "d", At, "agent-d", []) { Released = true };
        var survey = new ShardSurvey(["a", "b", "c", "d"], new Dictionary<string, ShardRecord> { ["a"] = Record("a", ("a.bin", 1, "A")) }, Claims(("c", running), ("d", failed)), ["zz"]);

        Assert.Equal(
            [
                "shard 'zz' is recorded for this version but is not one of the shards to seal (a, b, c, d): add it to --shards (or --shard-count), or publish under a new --release-version.",
                "shard 'b' has not started (no claim): re-run the push of shard 'b' (it resumes), then Seal again.",
                "shard 'c' was claimed at 2026-11-23 12:00:00Z by agent-c (pid 7) but is not recorded (still pushing, or it failed or was killed): re-run the push of shard 'c' (it resumes), then Seal again.",
                "shard 'd' failed before committing anything (gave its claim back at 2026-11-23 12:00:00Z): re-run the push of shard 'd' (it resumes), then Seal again.",
            ],
            survey.Problems());
    }

    private static ShardRecord Record(string shard, params (string Name, long Length, string Md5)[] artifacts) =>
        new("1.0", shard, "digest-" + shard, At, "agent-" + shard, artifacts.Select(a => new ArtifactContent(a.Name, a.Length, a.Md5)).ToList(), new Dictionary<string, double>());

    private static Dictionary<string, ReleaseClaim> Claims(params (string Shard, ReleaseClaim Claim)[] claims) => claims.ToDictionary(c => c.Shard, c => c.Claim);
}
