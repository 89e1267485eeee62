using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>
/// Copies the request unchanged (no X-Forwarded-*, raw path and query), notes the upstream status,
/// and, to lose an acknowledgement, keeps the upstream response from reaching the client.
/// </summary>
internal sealed class ForwardingTransformer(bool withholdResponse) : HttpTransformer
{
    // A proxy must not re-escape or unescape anything: the SAS signature is computed over exact values.
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public int? UpstreamStatus { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = new Uri(destinationPrefix.TrimEnd('/') + RequestParser.RawTarget(httpContext), Verbatim);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        UpstreamStatus = proxyResponse is null ? null : (int)proxyResponse.StatusCode;
        if (withholdResponse)
        {
            return false;
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
