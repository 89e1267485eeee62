using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Publication;

/// <summary>
/// A real <see cref="BlobContainerClient"/> whose transport answers from a script, one response per request, so the
/// store's conflict paths run without Azurite. The SDK's own retries are off: every retry is the runner's pipeline's.
/// </summary>
internal sealed class ScriptedBlobService : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> _script = new();

    public ScriptedBlobService()
    {
        var options = new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(this)) };
        options.Retry.MaxRetries = 0;
        Container = new BlobContainerClient(new Uri("https://account.blob.core.windows.net/releases"), options);
        Runner = new RequestRunner(new PushRetryOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4) }, Time, NoRenewal.Instance, Container.Name, new CapturingLog());
        Store = new PublicationStore(Runner);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public BlobContainerClient Container { get; }

    public RequestRunner Runner { get; }

    public PublicationStore Store { get; }

    /// <summary>Every request the store made: method, the conditions it carried and the body it sent.</summary>
    public List<(string Method, string? IfNoneMatch, string? IfMatch, string? Body)> Requests { get; } = [];

    /// <summary>Raised once per request, after it is recorded.</summary>
    public SemaphoreSlim Received { get; } = new(0);

    public ScriptedBlobService Then(Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        _script.Enqueue(respond);
        return this;
    }

    public ScriptedBlobService ThenCreated(string etag) => Then(_ => Answer(HttpStatusCode.Created, etag: etag));

    public ScriptedBlobService ThenStored(string json, string etag) => Then(_ => Answer(HttpStatusCode.OK, etag: etag, body: json));

    public ScriptedBlobService ThenError(HttpStatusCode status, string code) => Then(_ => Answer(status, code: code));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request.Method.Method, Header(request, "If-None-Match"), Header(request, "If-Match"), body));
        }

        Received.Release();
        return _script.TryDequeue(out var respond) ? respond(request) : throw new InvalidOperationException($"Unscripted request {request.Method} {request.RequestUri}");
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static HttpResponseMessage Answer(HttpStatusCode status, string? etag = null, string? code = null, string? body = null)
    {
        body ??= code is null ? string.Empty : $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>scripted</Message></Error>";
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(code is null ? "application/json" : "application/xml");
        response.Headers.TryAddWithoutValidation("x-ms-request-id", Guid.NewGuid().ToString());
        response.Headers.TryAddWithoutValidation("x-ms-version", "2025-01-05");
        if (etag is not null)
        {
            response.Headers.TryAddWithoutValidation("ETag", etag);
            response.Content.Headers.TryAddWithoutValidation("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
            response.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
        }

        if (code is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ms-error-code", code);
        }

        return response;
    }
}
