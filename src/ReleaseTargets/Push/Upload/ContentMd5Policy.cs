using Azure.Core;
using Azure.Core.Pipeline;

namespace ReleaseTargets.Push.Upload;

/// <summary>
/// Sends a precalculated <c>Content-MD5</c> on a request made inside <see cref="Scope"/>. The SDK computes the wire MD5
/// of a Put Blob itself and refuses a precalculated one, so the file would be hashed a second time during the push;
/// with this policy the hash taken by RefreshCredentials goes on the wire instead, and the service checks the bytes
/// against it (400 <c>Md5Mismatch</c> if they differ, in transit or because the file changed since).
/// </summary>
internal sealed class ContentMd5Policy : HttpPipelineSynchronousPolicy
{
    private const string Property = "ReleaseTargets.ContentMd5";

    /// <summary>Requests created on this async flow until the scope is disposed carry <paramref name="md5"/>.</summary>
    public static IDisposable Scope(byte[] md5) =>
        HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?> { [Property] = Convert.ToBase64String(md5) });

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.TryGetProperty(Property, out var value) && value is string md5)
        {
            message.Request.Headers.SetValue("Content-MD5", md5);
        }
    }
}
