namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>
/// One request that reached the proxy and what became of it. Never holds the SAS signature: the
/// <c>sig</c> query parameter is removed from <see cref="Query"/>, and no header is kept.
/// </summary>
public sealed record ProxiedRequest
{
    /// <summary>Arrival order, from 1, over the proxy's lifetime (not reset by <see cref="FaultProxy.Reset"/>).</summary>
    public long Sequence { get; init; }

    /// <summary>When the request arrived.</summary>
    public DateTimeOffset Time { get; init; }

    public required string Method { get; init; }

    /// <summary>Path exactly as received (still percent-encoded), e.g. <c>/devstoreaccount1/c/a.zip</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Query exactly as received, without <c>sig</c>; empty or starting with <c>?</c>.</summary>
    public required string Query { get; init; }

    /// <summary>Second path segment (path-style addressing, as Azurite uses), decoded.</summary>
    public string? Container { get; init; }

    /// <summary>Everything after the container, decoded; null for account and container operations.</summary>
    public string? BlobName { get; init; }

    /// <summary>The <c>comp</c> query value, or null when there is none.</summary>
    public string? Comp { get; init; }

    /// <summary>The <c>blockid</c> query value, URL-decoded (so the base64 text the SDK chose).</summary>
    public string? BlockId { get; init; }

    /// <summary>The declared <c>Content-Length</c>, if any.</summary>
    public long? ContentLength { get; init; }

    /// <summary>Body bytes the proxy read from the client.</summary>
    public long BodyBytesReceived { get; init; }

    /// <summary>Body bytes handed to the upstream connection (0 when nothing was forwarded).</summary>
    public long BodyBytesForwarded { get; init; }

    /// <summary>Whether the request was sent upstream at all.</summary>
    public bool Forwarded { get; init; }

    /// <summary>Status the upstream answered, when it answered.</summary>
    public int? UpstreamStatus { get; init; }

    /// <summary>Status the client was sent; null when the connection was aborted instead.</summary>
    public int? ClientStatus { get; init; }

    /// <summary>True when the client connection ended without a response (injected or by the client).</summary>
    public bool Aborted { get; init; }

    /// <summary><see cref="FaultRule.Name"/> of the rule that fired, if any.</summary>
    public string? Rule { get; init; }

    public FaultActionKind? Action { get; init; }

    /// <summary>YARP's <c>ForwarderError</c> when forwarding failed, e.g. <c>RequestBodyClient</c>.</summary>
    public string? ForwarderError { get; init; }

    public TimeSpan Duration { get; init; }
}
