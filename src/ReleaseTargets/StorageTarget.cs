using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using ReleaseTargets.Push;

namespace ReleaseTargets;

/// <summary>Where a release goes: the blob service endpoint, the token credential for it, and (for the local emulator) the pinned transport.</summary>
public sealed record StorageTarget(Uri ServiceUri, TokenCredential TokenCredential, HttpPipelineTransport? Transport, bool IsEmulator)
{
    /// <summary>Where SAS-authorised data requests go; the service endpoint unless a test routes them through a proxy.</summary>
    public Uri? DataServiceUri { get; init; }

    /// <summary>
    /// Client options shared by every client of a run. The SDK's own retries are off: the Polly pipeline is the only
    /// retry owner (layering both would multiply attempts, DESIGN.md §2). Its network timeout stays above the
    /// per-try timeout so that Polly's, not the SDK's, decides.
    /// </summary>
    public BlobClientOptions CreateClientOptions(TimeSpan perTryTimeout)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = perTryTimeout + TimeSpan.FromSeconds(30);
        options.AddPolicy(new ContentMd5Policy(), HttpPipelinePosition.PerCall);
        if (Transport is not null)
        {
            options.Transport = Transport;
        }

        return options;
    }

    public Uri ContainerUri(string container) => new BlobUriBuilder(DataServiceUri ?? ServiceUri) { BlobContainerName = container }.ToUri();
}
