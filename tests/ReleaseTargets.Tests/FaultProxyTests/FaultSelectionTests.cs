using System.Net;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.FaultProxyTests;

public sealed class FaultSelectionTests
{
    [Fact]
    public async Task Nth_ThirdPutBlock_OnlyThatRequestFails()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var rule = harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(500, "InternalError"), FaultSelection.Nth(3));
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 5; i++)
        {
            // Non-matching traffic in between must not advance the rule's count.
            (await harness.PutBlockListAsync(ProxyHarness.Bytes(10))).Dispose();
            using var response = await harness.PutBlockAsync(i, ProxyHarness.Bytes(10));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.InternalServerError, HttpStatusCode.Created, HttpStatusCode.Created], statuses);
        Assert.Equal((5L, 1L), (rule.MatchCount, rule.FiredCount));
        var fired = Assert.Single(await harness.Proxy.WaitForRequestsAsync(10), r => r.Rule is not null);
        Assert.Equal(ProxyHarness.BlockId(2), fired.BlockId);
    }

    [Fact]
    public async Task FirstN_Two_FirstTwoFailThenPass()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "OperationTimedOut"), FaultSelection.FirstN(2));
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 4; i++)
        {
            using var response = await harness.PutBlockAsync(0, ProxyHarness.Bytes(10));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.Created, HttpStatusCode.Created], statuses);
        Assert.Equal(2, harness.Upstream.Received.Count);
    }

    [Fact]
    public void Probability_SameSeed_SameDecisions()
    {
        var first = FaultSelection.Probability(0.3, seed: 42);
        var second = FaultSelection.Probability(0.3, seed: 42);

        var a = Enumerable.Range(1, 200).Select(i => first.ShouldFire(i)).ToArray();
        var b = Enumerable.Range(1, 200).Select(i => second.ShouldFire(i)).ToArray();

        Assert.Equal(a, b);
        Assert.InRange(a.Count(fired => fired), 30, 90);
    }

    [Fact]
    public void Probability_ZeroAndOne_NeverAndAlways()
    {
        var never = FaultSelection.Probability(0, seed: 1);
        var always = FaultSelection.Probability(1, seed: 1);

        Assert.DoesNotContain(Enumerable.Range(1, 100), i => never.ShouldFire(i));
        Assert.All(Enumerable.Range(1, 100), i => Assert.True(always.ShouldFire(i)));
    }
}
