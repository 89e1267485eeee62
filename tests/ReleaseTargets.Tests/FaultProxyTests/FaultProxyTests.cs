using System.Net;
using System.Security.Cryptography;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.FaultProxyTests;

public sealed class FaultProxyTests
{
    [Fact]
    public async Task StartAsync_FreePort_BaseUriIsLoopbackHttpWithBoundPort()
    {
        await using var harness = await ProxyHarness.StartAsync();

        Assert.Equal("http", harness.Proxy.BaseUri.Scheme);
        Assert.Equal("127.0.0.1", harness.Proxy.BaseUri.Host);
        Assert.NotEqual(0, harness.Proxy.BaseUri.Port);
    }

    [Fact]
    public async Task Forward_NoRules_PassesPathQueryBodyAndHeadersUnchanged()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = ProxyHarness.Bytes(100_000);
        var md5 = Convert.ToBase64String(MD5.HashData(body));
        // Escapes that a canonicalising proxy would rewrite: %2F and %20 in the name, %2B and %3D in the SAS.
        var target = "/devstoreaccount1/releases/dir%2Fa%20b.bin?comp=block&blockid=QUJD%2BZA%3D%3D&" + ProxyHarness.Sas;
        using var request = new HttpRequestMessage(HttpMethod.Put, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-MD5", md5);
        request.Headers.Add("x-ms-version", "2026-06-06");
        request.Headers.Add("x-ms-client-request-id", "client-request-1");

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("seen", response.Headers.GetValues("x-upstream").Single());
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(harness.Upstream.Received);
        Assert.Equal("PUT", received.Method);
        Assert.Equal(target, received.RawTarget);
        Assert.Equal(body, received.Body);
        Assert.Equal(md5, received.Headers["Content-MD5"]);
        Assert.Equal("2026-06-06", received.Headers["x-ms-version"]);
        Assert.Equal("client-request-1", received.Headers["x-ms-client-request-id"]);
        Assert.DoesNotContain(received.Headers.Keys, k => k.StartsWith("X-Forwarded", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Forward_ChunkedBody_UpstreamReceivesSameBytes()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = ProxyHarness.Bytes(300_000);
        using var content = new StreamContent(new NonSeekableStream(body));

        using var response = await harness.Client.PutAsync($"{ProxyHarness.BlobPath}?comp=block&blockid=QQ%3D%3D&{ProxyHarness.Sas}", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = Assert.Single(harness.Upstream.Received);
        Assert.Equal(body, received.Body);
        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.Null(recorded.ContentLength);
        Assert.Equal(body.Length, recorded.BodyBytesForwarded);
    }

    [Fact]
    public async Task Forward_ExpectContinue_UpstreamReceivesBody()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var body = ProxyHarness.Bytes(50_000);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{ProxyHarness.BlobPath}?comp=block&blockid=QQ%3D%3D&{ProxyHarness.Sas}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Headers.ExpectContinue = true;

        using var response = await harness.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body, Assert.Single(harness.Upstream.Received).Body);
    }

    [Fact]
    public async Task Requests_SasInQuery_SignatureNeverRecorded()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.Status(503, "ServerBusy"));

        (await harness.PutBlockAsync(0, ProxyHarness.Bytes(10))).Dispose();
        (await harness.PutBlockListAsync(ProxyHarness.Bytes(10))).Dispose();

        var requests = await harness.Proxy.WaitForRequestsAsync(2);
        Assert.All(requests, r =>
        {
            Assert.DoesNotContain("sig=", r.Query, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("s3cr3tSIGNATURE", r.ToString(), StringComparison.Ordinal);
        });
        Assert.Equal($"?comp=block&blockid={Uri.EscapeDataString(ProxyHarness.BlockId(0))}&sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sr=b", requests[0].Query);
        Assert.Contains(ProxyHarness.Signature, harness.Upstream.Received.Single().RawTarget, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_PutBlock_RecordsCompBlockIdBlobNameAndStatuses()
    {
        await using var harness = await ProxyHarness.StartAsync();

        (await harness.PutBlockAsync(7, ProxyHarness.Bytes(1234))).Dispose();

        var recorded = Assert.Single(await harness.Proxy.WaitForRequestsAsync(1));
        Assert.Equal(("PUT", "block", ProxyHarness.BlockId(7)), (recorded.Method, recorded.Comp, recorded.BlockId));
        Assert.Equal(("releases", "v1.2.3/tool-linux-x64.tar.gz"), (recorded.Container, recorded.BlobName));
        Assert.Equal(ProxyHarness.BlobPath, recorded.Path);
        Assert.Equal((1234L, 1234L, 1234L), (recorded.ContentLength!.Value, recorded.BodyBytesReceived, recorded.BodyBytesForwarded));
        Assert.Equal((201, 201), (recorded.UpstreamStatus!.Value, recorded.ClientStatus!.Value));
        Assert.True(recorded.Forwarded);
        Assert.False(recorded.Aborted);
        Assert.Null(recorded.Rule);
    }

    [Fact]
    public async Task BytesForwarded_SomeBlocksRejected_CountsOnlyBodiesSentUpstream()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy"), FaultSelection.Nth(2));

        for (var i = 0; i < 3; i++)
        {
            (await harness.PutBlockAsync(i, ProxyHarness.Bytes(1000, i))).Dispose();
        }

        (await harness.PutBlockListAsync(ProxyHarness.Bytes(200))).Dispose();
        (await harness.Client.GetAsync($"{ProxyHarness.BlobPath}?{ProxyHarness.Sas}")).Dispose();

        await harness.Proxy.WaitForRequestsAsync(5);
        Assert.Equal(2000, harness.Proxy.BytesForwarded());
        Assert.Equal(200, harness.Proxy.BytesForwarded("blocklist"));
        Assert.Equal(0, harness.Proxy.BytesForwarded(comp: null));
        Assert.Equal(2200, harness.Proxy.BytesForwarded(FaultMatch.AnyComp));
        Assert.Equal(3, harness.Proxy.Count(FaultMatch.PutBlock));
        Assert.Equal(1, harness.Proxy.Count(new FaultMatch { Method = "GET", Comp = null }));
        Assert.Equal(5, harness.Proxy.Count());
        Assert.Equal(3000, harness.Proxy.Requests.Where(r => r.Comp == "block").Sum(r => r.BodyBytesReceived));
    }

    [Fact]
    public async Task Reset_AfterRequests_ClearsLogButKeepsRules()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var rule = harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(500, "InternalError"));
        (await harness.PutBlockAsync(0, ProxyHarness.Bytes(10))).Dispose();
        await harness.Proxy.WaitForRequestsAsync(1);

        harness.Proxy.Reset();

        Assert.Empty(harness.Proxy.Requests);
        Assert.Same(rule, Assert.Single(harness.Proxy.Rules));
        Assert.Equal(1, rule.FiredCount);
    }

    [Fact]
    public async Task Reset_WhileARequestIsInFlight_ThatRequestIsNotCountedAfterwards()
    {
        await using var harness = await ProxyHarness.StartAsync();
        var slow = harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(500)), FaultSelection.Nth(1));
        var inFlight = harness.PutBlockAsync(0, ProxyHarness.Bytes(1000));
        while (slow.FiredCount == 0)
        {
            await Task.Delay(10);
        }

        harness.Proxy.Reset();
        (await inFlight).Dispose();
        (await harness.PutBlockAsync(1, ProxyHarness.Bytes(10))).Dispose();
        await harness.Proxy.WaitForRequestsAsync(1);

        // The request that arrived before the reset finished after it, yet only the later one is in the log.
        Assert.Equal(ProxyHarness.BlockId(1), Assert.Single(harness.Proxy.Requests).BlockId);
    }

    [Fact]
    public async Task ClearRules_WhileRunning_LaterRequestsPassThrough()
    {
        await using var harness = await ProxyHarness.StartAsync();
        harness.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy"));
        using var before = await harness.PutBlockAsync(0, ProxyHarness.Bytes(10));

        harness.Proxy.ClearRules();
        using var after = await harness.PutBlockAsync(0, ProxyHarness.Bytes(10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Single(harness.Upstream.Received);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
