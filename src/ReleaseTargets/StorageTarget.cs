using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Upload;

namespace ReleaseTargets;

/// <summary>Where a release goes: the blob service endpoint, the token credential for it, and (for the local emulator) the pinned handler.</summary>
/// <param name="Handler">The HTTP handler under every client (the emulator's pins its certificate); null: a plain <see cref="SocketsHttpHandler"/>.</param>
internal sealed record StorageTarget(Uri ServiceUri, TokenCredential TokenCredential, HttpMessageHandler? Handler, bool IsEmulator)
{
    private readonly Lazy<HttpMessageHandler> _handler = new(() => Handler ?? new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });

    /// <summary>Where SAS-authorised data requests go; the service endpoint unless a test routes them through a proxy.</summary>
    public Uri? DataServiceUri { get; init; }

    /// <summary>
    /// Client options shared by every client of a run. The SDK's own retries are off: the Polly pipeline is the only
    /// retry owner (layering both would multiply attempts, DESIGN.md §2). Its network timeout stays above the
    /// per-try timeout so that Polly's, not the SDK's, decides. Every request passes a <see cref="ResponseWatchHandler"/>:
    /// an endpoint that goes silent fails after <see cref="PushRetryOptions.ResponseTimeout"/>, not after the per-try timeout.
    /// </summary>
    public BlobClientOptions CreateClientOptions(PushRetryOptions retry, TimeProvider timeProvider)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = retry.PerTryTimeout + TimeSpan.FromSeconds(30);
        options.AddPolicy(new ContentMd5Policy(), HttpPipelinePosition.PerCall);
        options.Transport = new HttpClientTransport(new ResponseWatchHandler(_handler.Value, retry.ResponseTimeout, timeProvider));
        return options;
    }

    public Uri ContainerUri(string container) => new BlobUriBuilder(DataServiceUri ?? ServiceUri) { BlobContainerName = container }.ToUri();
}
