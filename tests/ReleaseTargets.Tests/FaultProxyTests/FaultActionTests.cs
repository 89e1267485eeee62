using System.Net;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.FaultProxyTests;

public sealed class FaultActionTests
{
    [Fact]
    public async Task Status_ServerBusyWithRetryAfter_AnswersAzureErrorWithoutForwarding()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var rule = harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy", FaultAction.RetryAfter(TimeSpan.FromSeconds(2))));

        using var response = await harness.PutBlockAsync(0, ProxyHarness.Bytes(5000));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ServerBusy", response.Headers.GetValues("x-ms-error-code").Single());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ServerBusy</Code><Message>The server is currently unable", xml, StringComparison.Ordinal);
        Assert.Empty(harness.Upstream.Received);
        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.Equal((503, false, 5000L, 0L), (recorded.ClientStatus!.Value, recorded.Forwarded, recorded.BodyBytesReceived, recorded.BodyBytesForwarded));
        Assert.Equal((rule.Name, FaultActionKind.Status), (recorded.Rule, recorded.Action!.Value));
        Assert.Equal(1, rule.FiredCount);
    }

    [Fact]
    public async Task Status_ThrottledWithRetryAfterMs_SendsMillisecondHeader()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.Status(429, "TooManyRequests", FaultAction.RetryAfterMs(TimeSpan.FromMilliseconds(1500))));

        using var response = await harness.PutBlockListAsync(ProxyHarness.Bytes(10));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("TooManyRequests", response.Headers.GetValues("x-ms-error-code").Single());
        Assert.Equal("1500", response.Headers.GetValues("x-ms-retry-after-ms").Single());
        Assert.Empty(harness.Upstream.Received);
    }

    [Fact]
    public async Task Latency_BeforeForwarding_UpstreamSeesRequestNoEarlierThanDelay()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var delay = TimeSpan.FromMilliseconds(300);
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(delay));
        var sent = TimeProvider.System.GetTimestamp();

        using var response = await harness.PutBlockAsync(0, ProxyHarness.Bytes(100));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = Assert.Single(harness.Upstream.Received);
        Assert.True(TimeProvider.System.GetElapsedTime(sent, received.ArrivedAt) >= delay);
    }

    [Fact]
    public async Task Latency_ClientGivesUp_RecordedAsAbortedAndNothingForwarded()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(30)));
        using var perTry = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.PutBlockAsync(0, ProxyHarness.Bytes(100), perTry.Token));

        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.True(recorded.Aborted);
        Assert.False(recorded.Forwarded);
        Assert.Null(recorded.ClientStatus);
        Assert.Empty(harness.Upstream.Received);
    }

    [Fact]
    public async Task ResetMidBody_LargeBlock_ClientSeesConnectionErrorAndUpstreamNothing()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.ResetMidBody);
        const int length = 4 * 1024 * 1024;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.PutBlockAsync(0, ProxyHarness.Bytes(length)));

        Assert.True(error is HttpRequestException or IOException, error.ToString());
        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.InRange(recorded.BodyBytesReceived, length / 2, length - 1);
        Assert.Equal((true, false, 0L), (recorded.Aborted, recorded.Forwarded, recorded.BodyBytesForwarded));
        Assert.Null(recorded.ClientStatus);
        Assert.Empty(harness.Upstream.Received);
    }

    [Fact]
    public async Task LoseAcknowledgement_PutBlockList_UpstreamAppliesItClientGetsException()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.LoseAcknowledgement);
        var body = ProxyHarness.Bytes(300);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => harness.PutBlockListAsync(body));

        Assert.True(error is HttpRequestException or IOException, error.ToString());
        Assert.Equal(body, Assert.Single(harness.Upstream.Received).Body);
        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.Equal((true, true, 201, 300L), (recorded.Forwarded, recorded.Aborted, recorded.UpstreamStatus!.Value, recorded.BodyBytesForwarded));
        Assert.Null(recorded.ClientStatus);
    }

    [Fact]
    public async Task CorruptBody_PutBlock_UpstreamBodyDiffersInExactlyOneByte()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.CorruptBody);
        var body = ProxyHarness.Bytes(64 * 1024);

        using var response = await harness.PutBlockAsync(0, body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var forwarded = Assert.Single(harness.Upstream.Received).Body;
        Assert.Equal(body.Length, forwarded.Length);
        Assert.Equal(1, body.Zip(forwarded).Count(pair => pair.First != pair.Second));
        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.Equal((64L * 1024, 64L * 1024), (recorded.BodyBytesReceived, recorded.BodyBytesForwarded));
    }
}
