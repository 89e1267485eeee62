using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>The per-request pipeline: record, pick a rule, apply its action, forward or not.</summary>
internal sealed class FaultProxyHandler(
    string upstreamPrefix,
    IHttpForwarder forwarder,
    HttpMessageInvoker invoker,
    FaultRuleSet rules,
    RequestLog log,
    TimeProvider time,
    CancellationToken stopping)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = TimeSpan.FromMinutes(5),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    public async Task HandleAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var request = RequestParser.Parse(context, log.NextSequence(), time.GetUtcNow());
        var rule = rules.FindFiring(request);
        var received = new CountingStream(context.Request.Body);
        context.Request.Body = received;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var outcome = new Outcome();
        try
        {
            await ApplyAsync(context, rule?.Action, received, outcome, aborted.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            // The client went away (e.g. its per-try timeout fired during injected latency) or the proxy is stopping.
            outcome.Aborted = true;
            context.Abort();
        }
        finally
        {
            log.Add(request with
            {
                BodyBytesReceived = received.BytesRead,
                BodyBytesForwarded = outcome.ForwardedBody?.BytesRead ?? 0,
                Forwarded = outcome.ForwardedBody is not null,
                UpstreamStatus = outcome.UpstreamStatus,
                ClientStatus = outcome.Aborted ? null : context.Response.StatusCode,
                Aborted = outcome.Aborted,
                Rule = rule?.Name,
                Action = rule?.Action.Kind,
                ForwarderError = outcome.Error,
                Duration = time.GetElapsedTime(started),
            });
        }
    }

    private async Task ApplyAsync(HttpContext context, FaultAction? action, CountingStream received, Outcome outcome, CancellationToken cancellationToken)
    {
        switch (action?.Kind)
        {
            case null:
                await ForwardAsync(context, received, withholdResponse: false, outcome);
                break;
            case FaultActionKind.Status:
                // Read what the client sends, as a server that rejects after receiving would.
                await received.DrainAsync(cancellationToken);
                if (action.IsRegistryError)
                {
                    await RegistryErrorResponse.WriteAsync(context, action, cancellationToken);
                }
                else
                {
                    await AzureErrorResponse.WriteAsync(context, action, time.GetUtcNow(), cancellationToken);
                }

                break;
            case FaultActionKind.Latency:
                await Task.Delay(action.Delay, time, cancellationToken);
                await ForwardAsync(context, received, withholdResponse: false, outcome);
                break;
            case FaultActionKind.ResetMidBody:
                await ReadAboutHalfAsync(context, received, cancellationToken);
                outcome.Aborted = true;
                context.Abort();
                break;
            case FaultActionKind.LoseAcknowledgement:
                await ForwardAsync(context, received, withholdResponse: true, outcome);
                outcome.Aborted = true;
                context.Abort();
                break;
            case FaultActionKind.Stall:
                // Until the client gives up (its response timeout) or the proxy stops.
                await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
                break;
            case FaultActionKind.CorruptBody:
                var corrupted = await ReadAllAndFlipOneByteAsync(received, cancellationToken);
                await ForwardAsync(context, new MemoryStream(corrupted, writable: false), withholdResponse: false, outcome);
                break;
            default:
                throw new InvalidOperationException($"Unknown fault action '{action.Kind}'.");
        }
    }

    private async Task ForwardAsync(HttpContext context, Stream body, bool withholdResponse, Outcome outcome)
    {
        var forwarded = new CountingStream(body);
        context.Request.Body = forwarded;
        outcome.ForwardedBody = forwarded;
        var transformer = new ForwardingTransformer(withholdResponse);
        var error = await forwarder.SendAsync(context, upstreamPrefix, invoker, RequestConfig, transformer);
        outcome.UpstreamStatus = transformer.UpstreamStatus;
        if (error != ForwarderError.None)
        {
            outcome.Error = error.ToString();
            outcome.Aborted |= context.RequestAborted.IsCancellationRequested;
        }
    }

    private static async Task ReadAboutHalfAsync(HttpContext context, CountingStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        if (context.Request.ContentLength is not long length)
        {
            // Chunked: the total is unknown, so take what the first read brings.
            _ = await received.ReadAsync(buffer, cancellationToken);
            return;
        }

        var target = length / 2;
        while (received.BytesRead < target)
        {
            var want = (int)Math.Min(buffer.Length, target - received.BytesRead);
            if (await received.ReadAsync(buffer.AsMemory(0, want), cancellationToken) == 0)
            {
                return;
            }
        }
    }

    private static async Task<byte[]> ReadAllAndFlipOneByteAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        if (bytes.Length > 0)
        {
            bytes[bytes.Length / 2] ^= 0xFF;
        }

        return bytes;
    }

    private sealed class Outcome
    {
        public CountingStream? ForwardedBody { get; set; }

        public int? UpstreamStatus { get; set; }

        public bool Aborted { get; set; }

        public string? Error { get; set; }
    }
}
