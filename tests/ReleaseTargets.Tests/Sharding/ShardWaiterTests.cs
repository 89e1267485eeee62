using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Seal;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>The wait for shard records on a fake clock: backoff 2 s, 4 s, 8 s … capped at 30 s and at the timeout, a progress line per wait.</summary>
public sealed class ShardWaiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly CapturingLog _log = new();
    private readonly List<TimeSpan> _checks = [];

    [Fact]
    public async Task WaitAsync_ShardRecordedOnTheFourthCheck_ChecksAfter2s4s8sAndReturnsComplete()
    {
        var waiter = new ShardWaiter(_time, _log, TimeSpan.FromMinutes(30));

        var survey = await DriveAsync(waiter.WaitAsync("1.0", Survey(completeAtCheck: 4)));

        Assert.True(survey.IsComplete);
        AssertChecksAt(_checks, 0, 2, 6, 14);
        Assert.Equal(3, _log.Lines.Count);
        Assert.Contains("Waiting for the shards of release '1.0': 1 of 2 shards recorded; waiting for 'b' has not started (no claim). Next check in 2.0s; giving up in 30m00s (--seal-timeout).", _log.Lines[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitAsync_NeverRecorded_BacksOffUpTo30sAndStopsAtTheTimeoutWithTheLastSurvey()
    {
        var waiter = new ShardWaiter(_time, _log, TimeSpan.FromSeconds(100));

        var survey = await DriveAsync(waiter.WaitAsync("1.0", Survey(completeAtCheck: int.MaxValue)));

        Assert.False(survey.IsComplete);
        Assert.Equal(["b"], survey.Missing);
        // 2, 4, 8, 16, 30 (capped), then only the 40 s left before the timeout: the last check is at the timeout, not after it.
        AssertChecksAt(_checks, 0, 2, 6, 14, 30, 60, 90, 100);
    }

    [Fact]
    public async Task WaitAsync_Collision_ReturnsAtTheFirstCheckWithoutWaiting()
    {
        var waiter = new ShardWaiter(_time, _log, TimeSpan.FromMinutes(30));
        var colliding = Claim("b", new ArtifactContent("app.zip", 11, "other"));

        var survey = await waiter.WaitAsync("1.0", _ => Task.FromResult(new ShardSurvey(["a", "b"], Records("a"), new Dictionary<string, ReleaseClaim> { ["b"] = colliding }, [])));

        Assert.True(survey.CannotComplete);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public async Task WaitAsync_ZeroTimeout_LooksOnceAndReturns()
    {
        var waiter = new ShardWaiter(_time, _log, TimeSpan.Zero);

        var survey = await DriveAsync(waiter.WaitAsync("1.0", Survey(completeAtCheck: int.MaxValue)));

        Assert.False(survey.IsComplete);
        AssertChecksAt(_checks, 0);
    }

    private static void AssertChecksAt(List<TimeSpan> checks, params double[] seconds) =>
        Assert.Equal(seconds, checks.Select(c => Math.Round(c.TotalSeconds)).ToArray());

    /// <summary>Advances the fake clock in 100 ms steps (yielding for real in between) until the wait ends.</summary>
    private async Task<ShardSurvey> DriveAsync(Task<ShardSurvey> wait)
    {
        for (var step = 0; !wait.IsCompleted && step < 100_000; step++)
        {
            await Task.Delay(1);
            if (!wait.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        return await wait;
    }

    private Func<CancellationToken, Task<ShardSurvey>> Survey(int completeAtCheck) => _ =>
    {
        _checks.Add(_time.GetUtcNow() - Start);
        var records = _checks.Count >= completeAtCheck ? Records("a", "b") : Records("a");
        return Task.FromResult(new ShardSurvey(["a", "b"], records, new Dictionary<string, ReleaseClaim>(), []));
    };

    private static Dictionary<string, ShardRecord> Records(params string[] shards) =>
        shards.ToDictionary(s => s, s => new ShardRecord("1.0", s, "D" + s, Start, "host", [new ArtifactContent(s == "a" ? "app.zip" : s + ".zip", 10, "md5")], new Dictionary<string, double>()));

    private static ReleaseClaim Claim(string shard, params ArtifactContent[] artifacts) =>
        new("1.0", "digest-" + shard, Start, "host-" + shard, artifacts);
}
