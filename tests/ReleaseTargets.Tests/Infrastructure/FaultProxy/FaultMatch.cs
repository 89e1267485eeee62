namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>
/// Which requests a <see cref="FaultRule"/> considers. Every property that is set must hold; the
/// default matches every request.
/// </summary>
public sealed record FaultMatch
{
    /// <summary>Value of <see cref="Comp"/> that accepts any <c>comp</c>, including none. The default.</summary>
    public const string AnyComp = "*";

    /// <summary>Matches every request.</summary>
    public static FaultMatch Any { get; } = new();

    /// <summary><c>PUT ?comp=block</c> (Put Block).</summary>
    public static FaultMatch PutBlock { get; } = new() { Method = "PUT", Comp = "block" };

    /// <summary><c>PUT ?comp=blocklist</c> (Put Block List, the commit).</summary>
    public static FaultMatch PutBlockList { get; } = new() { Method = "PUT", Comp = "blocklist" };

    /// <summary><c>PUT</c> without <c>comp</c> (Put Blob: a whole blob in one request).</summary>
    public static FaultMatch PutBlob { get; } = new() { Method = "PUT", Comp = null };

    /// <summary>HTTP method, case-insensitive; null for any.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// The <c>comp</c> query value (<c>"block"</c>, <c>"blocklist"</c>, ...), case-insensitive;
    /// null for plain blob operations that carry no <c>comp</c>; <see cref="AnyComp"/> (default) for any.
    /// </summary>
    public string? Comp { get; init; } = AnyComp;

    /// <summary>Substring of the blob name (the path after account and container), ordinal; null for any.</summary>
    public string? BlobNameContains { get; init; }

    /// <summary>Substring of the raw request path, ordinal; null for any (registry requests: <c>/blobs/uploads/</c>, <c>/manifests/v1</c>).</summary>
    public string? PathContains { get; init; }

    /// <summary>Exact <c>blockid</c> (base64 text, URL-decoded); null for any.</summary>
    public string? BlockId { get; init; }

    public bool IsMatch(ProxiedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (Method is null || string.Equals(Method, request.Method, StringComparison.OrdinalIgnoreCase))
            && IsCompMatch(Comp, request.Comp)
            && (BlobNameContains is null || (request.BlobName?.Contains(BlobNameContains, StringComparison.Ordinal) ?? false))
            && (BlockId is null || string.Equals(BlockId, request.BlockId, StringComparison.Ordinal))
            && (PathContains is null || request.Path.Contains(PathContains, StringComparison.Ordinal));
    }

    internal static bool IsCompMatch(string? expected, string? actual) =>
        expected == AnyComp || string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase);
}
