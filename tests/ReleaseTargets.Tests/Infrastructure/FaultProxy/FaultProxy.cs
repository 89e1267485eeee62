using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>
/// A loopback HTTP proxy that forwards every request to one upstream (Azurite) with YARP's
/// <see cref="IHttpForwarder"/>, injecting faults chosen by <see cref="FaultRule"/>s and recording
/// every request (without its SAS signature).
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _stopping;
    private readonly FaultRuleSet _rules;
    private readonly RequestLog _log;

    private FaultProxy(WebApplication app, HttpMessageInvoker invoker, CancellationTokenSource stopping, FaultRuleSet rules, RequestLog log, Uri upstream, Uri baseUri)
    {
        _app = app;
        _invoker = invoker;
        _stopping = stopping;
        _rules = rules;
        _log = log;
        Upstream = upstream;
        BaseUri = baseUri;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>; point the client here instead of at <see cref="Upstream"/>.</summary>
    private int _disposed;

    public Uri BaseUri { get; }

    public Uri Upstream { get; }

    public IReadOnlyList<FaultRule> Rules => _rules.Snapshot;

    /// <summary>Finished requests in arrival order (requests still in flight are not included).</summary>
    public IReadOnlyList<ProxiedRequest> Requests => _log.Snapshot();

    /// <summary>
    /// Starts the proxy on a free loopback port. The proxy takes ownership of <paramref name="upstreamHandler"/>
    /// (disposes it) and, when it is a <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>,
    /// turns off redirects, decompression, cookies and any system proxy: a forwarder must pass responses through as they are.
    /// </summary>
    public static async Task<FaultProxy> StartAsync(Uri upstream, HttpMessageHandler upstreamHandler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(upstreamHandler);
        if (!upstream.IsAbsoluteUri || (upstream.Scheme != Uri.UriSchemeHttp && upstream.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The upstream '{upstream}' must be an absolute http or https URI.", nameof(upstream));
        }

        ConfigureForForwarding(upstreamHandler);
        var invoker = new HttpMessageInvoker(upstreamHandler, disposeHandler: true);
        var stopping = new CancellationTokenSource();
        var rules = new FaultRuleSet();
        var log = new RequestLog();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(FaultProxy) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddLogging();
        builder.Services.AddHttpForwarder();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();

        var handler = new FaultProxyHandler(
            upstream.GetLeftPart(UriPartial.Authority),
            app.Services.GetRequiredService<IHttpForwarder>(),
            invoker,
            rules,
            log,
            TimeProvider.System,
            stopping.Token);
        app.Run(handler.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            invoker.Dispose();
            stopping.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var port = new Uri(address).Port;
        return new FaultProxy(app, invoker, stopping, rules, log, upstream, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Adds a rule; it sees requests that arrive from now on. Returns the rule so its counters can be read.</summary>
    public FaultRule AddRule(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _rules.Add(rule);
        return rule;
    }

    public FaultRule AddRule(FaultMatch match, FaultAction action, FaultSelection? selection = null, string? name = null) =>
        AddRule(new FaultRule(match, action, selection, name));

    public bool RemoveRule(FaultRule rule) => _rules.Remove(rule);

    public void ClearRules() => _rules.Clear();

    /// <summary>
    /// Clears the request log (not the rules, nor their counters). Requests that arrived before the reset and finish
    /// after it are not recorded either, so counts after a reset belong to what came after it.
    /// </summary>
    public void Reset() => _log.Clear();

    /// <summary>Number of recorded requests matching <paramref name="match"/> (all when null).</summary>
    public int Count(FaultMatch? match = null) => _log.Snapshot().Count(r => match?.IsMatch(r) ?? true);

    public int Count(Func<ProxiedRequest, bool> predicate) => _log.Snapshot().Count(predicate);

    /// <summary>
    /// Body bytes actually handed to the upstream for requests with this <c>comp</c> (default Put Block;
    /// null for requests without <c>comp</c>; <see cref="FaultMatch.AnyComp"/> for all).
    /// </summary>
    public long BytesForwarded(string? comp = "block") =>
        _log.Snapshot().Where(r => FaultMatch.IsCompMatch(comp, r.Comp)).Sum(r => r.BodyBytesForwarded);

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests have finished (the log entry is written just after
    /// the client is answered, so a test that has its response may still have to wait for the entry).
    /// </summary>
    public async Task<IReadOnlyList<ProxiedRequest>> WaitForRequestsAsync(int count, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var snapshot = _log.Snapshot();
            if (snapshot.Count >= count)
            {
                return snapshot;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }

    /// <summary>Stops listening: later requests get "connection refused", as from an endpoint that died. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _invoker.Dispose();
        _stopping.Dispose();
    }

    private static void ConfigureForForwarding(HttpMessageHandler handler)
    {
        try
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    sockets.AutomaticDecompression = DecompressionMethods.None;
                    sockets.UseCookies = false;
                    sockets.UseProxy = false;
                    sockets.ActivityHeadersPropagator = null;
                    break;
                case HttpClientHandler client:
                    client.AllowAutoRedirect = false;
                    client.AutomaticDecompression = DecompressionMethods.None;
                    client.UseCookies = false;
                    client.UseProxy = false;
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException("The upstream handler was already used; pass a fresh handler so the proxy can configure it.", nameof(handler), ex);
        }
    }
}
