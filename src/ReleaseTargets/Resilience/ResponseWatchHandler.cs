using System.Net;

namespace ReleaseTargets.Resilience;

/// <summary>
/// Applies <see cref="ResponseWatch"/> to every request of a transport, storage (under the Azure SDK's
/// <c>HttpClientTransport</c>) and registry alike: a request whose body stops moving, or whose response headers do not
/// arrive, for <c>timeout</c> fails with <see cref="NoResponseException"/> instead of waiting out the per-try timeout.
/// </summary>
internal sealed class ResponseWatchHandler(HttpMessageHandler inner, TimeSpan timeout, TimeProvider timeProvider) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var watch = new ResponseWatch(timeout, timeProvider, cancellationToken);
        var content = request.Content;
        if (content is not null)
        {
            request.Content = new WatchedContent(content, watch);
        }

        try
        {
            var response = await base.SendAsync(request, watch.Token);
            watch.Answered();
            return response;
        }
        catch (Exception exception) when (watch.Failure(request.RequestUri?.Authority ?? "?", exception) is { } silent)
        {
            throw silent;
        }
        finally
        {
            // The caller owns (and disposes) its content; the wrapper only watched it.
            request.Content = content;
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    private sealed class WatchedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly ResponseWatch _watch;

        public WatchedContent(HttpContent inner, ResponseWatch watch)
        {
            _inner = inner;
            _watch = watch;
            foreach (var (name, values) in inner.Headers.NonValidated)
            {
                Headers.TryAddWithoutValidation(name, values);
            }

            if (inner.Headers.ContentLength is { } length)
            {
                Headers.ContentLength = length;
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _inner.CopyToAsync(new ResponseWatch.ProgressStream(stream, _watch));

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(new ResponseWatch.ProgressStream(stream, _watch), cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? 0;
            return _inner.Headers.ContentLength.HasValue;
        }
    }
}
