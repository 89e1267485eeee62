using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Reads what rules match on from an incoming request, dropping the SAS signature on the way.</summary>
internal static class RequestParser
{
    public static ProxiedRequest Parse(HttpContext context, long sequence, DateTimeOffset time)
    {
        var (path, query) = SplitTarget(RawTarget(context));
        var segments = context.Request.Path.Value?.Split('/', 4, StringSplitOptions.None) ?? [];
        return new ProxiedRequest
        {
            Sequence = sequence,
            Time = time,
            Method = context.Request.Method,
            Path = path,
            Query = WithoutSignature(query),
            Container = segments.Length > 2 && segments[2].Length > 0 ? segments[2] : null,
            BlobName = segments.Length > 3 && segments[3].Length > 0 ? segments[3] : null,
            Comp = NullIfEmpty(context.Request.Query["comp"]),
            BlockId = NullIfEmpty(context.Request.Query["blockid"]),
            ContentLength = context.Request.ContentLength,
        };
    }

    /// <summary>Path and query exactly as the client sent them (still percent-encoded).</summary>
    public static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) || raw[0] != '/'
            ? context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent()
            : raw;
    }

    /// <summary>Removes every <c>sig</c> parameter (name compared decoded, case-insensitively); keeps the rest byte for byte.</summary>
    public static string WithoutSignature(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        var kept = query[1..]
            .Split('&')
            .Where(pair => !string.Equals(Uri.UnescapeDataString(pair.Split('=', 2)[0]), "sig", StringComparison.OrdinalIgnoreCase));
        var joined = string.Join('&', kept);
        return joined.Length == 0 ? "" : "?" + joined;
    }

    private static (string Path, string Query) SplitTarget(string target)
    {
        var at = target.IndexOf('?', StringComparison.Ordinal);
        return at < 0 ? (target, "") : (target[..at], target[at..]);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
