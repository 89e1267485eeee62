using System.Globalization;

namespace ReleaseTargets.Registry.Auth;

/// <summary>
/// The one place that decides where a registry push may send a request and what it may carry (issue 21). Credentials
/// (the <c>Authorization</c> header: basic pair or bearer token) go only to the registry's own scheme, host and port. A
/// URL the registry hands back (an upload <c>Location</c>) on another origin is followed only when its host is listed in
/// <c>--registry-upload-hosts</c>, and then without credentials; otherwise the push fails before anything is sent there.
/// Plain http is accepted only on loopback, for the registry, every <c>Location</c> and the token realm.
/// </summary>
internal sealed class RegistryHostPolicy
{
    public const string UploadHostsParameter = "--registry-upload-hosts";

    private readonly IReadOnlyList<(string Host, int? Port)> _uploadHosts;

    /// <param name="registry">The registry's base URL: the only origin credentials go to.</param>
    /// <param name="uploadHosts">Other hosts (<c>host</c> or <c>host:port</c>) the registry may send uploads to; credentials never go there.</param>
    public RegistryHostPolicy(Uri registry, IEnumerable<string>? uploadHosts = null)
    {
        Registry = registry;
        _uploadHosts = (uploadHosts ?? []).Select(h => ParseHost(h) ?? throw new ArgumentException($"'{h}' is not host[:port].", nameof(uploadHosts))).ToList();
    }

    public Uri Registry { get; }

    /// <summary>Whether <paramref name="uri"/> is on the registry's own scheme, host and port: the only place credentials go.</summary>
    public bool IsRegistry(Uri? uri) =>
        uri is { IsAbsoluteUri: true }
        && string.Equals(uri.Scheme, Registry.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, Registry.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == Registry.Port;

    /// <summary>
    /// Checks a URL the registry handed back before anything is sent to it: plain http only on loopback, and another origin
    /// only when <c>--registry-upload-hosts</c> lists its host. Throws a <see cref="ReleaseTargetsException"/> (never retried)
    /// naming the host and the parameter.
    /// </summary>
    /// <param name="what">What named the URL, for the message: "the upload Location of POST /v2/team/app/blobs/uploads/".</param>
    public Uri CheckHandedBack(Uri url, string what)
    {
        if (url.Scheme is not ("https" or "http"))
        {
            throw new ReleaseTargetsException($"The registry {Registry.Authority} sent {what} with the scheme '{url.Scheme}': only https (http on loopback) is followed; nothing was sent there.");
        }

        if (url.Scheme == "http" && !url.IsLoopback)
        {
            throw new ReleaseTargetsException($"The registry {Registry.Authority} sent {what} on plain http to '{url.Authority}': plain http is followed only on loopback; nothing was sent there. The registry must hand out https URLs.");
        }

        if (IsRegistry(url) || _uploadHosts.Any(h => string.Equals(h.Host, url.IdnHost, StringComparison.OrdinalIgnoreCase) && (h.Port is null || h.Port == url.Port)))
        {
            return url;
        }

        throw new ReleaseTargetsException(
            $"The registry {Registry.Authority} sent {what} on another host, '{url.Authority}' ({url.Scheme}): nothing was sent there. " +
            $"If that host is the registry's own upload service, allow it with {UploadHostsParameter}={url.Authority} (uploads go there without credentials).");
    }

    /// <summary>
    /// The token realm a challenge named, checked: https, or http on loopback. With <paramref name="sendsCredentials"/>
    /// (basic pair, Entra token) a plain-http realm must also be on the registry's own host: credentials never cross to
    /// another host unencrypted.
    /// </summary>
    public Uri CheckRealm(string? realm, bool sendsCredentials)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ReleaseTargetsException($"The registry {Registry.Authority} named a token endpoint '{realm}' that is not an http(s) URL.");
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            throw new ReleaseTargetsException($"The registry {Registry.Authority} named the token endpoint {uri.GetLeftPart(UriPartial.Path)}, which is not https: refusing to send credentials there.");
        }

        if (uri.Scheme == "http" && sendsCredentials && !string.Equals(uri.IdnHost, Registry.IdnHost, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReleaseTargetsException($"The registry {Registry.Authority} named the token endpoint {uri.GetLeftPart(UriPartial.Path)}, plain http on another host than the registry's: refusing to send the registry credentials there. The token endpoint must use https.");
        }

        return uri;
    }

    /// <summary>The entries of a <c>--registry-upload-hosts</c> value (comma- or semicolon-separated).</summary>
    public static IReadOnlyList<string> SplitHosts(string? value) =>
        (value ?? string.Empty).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One problem per entry of <paramref name="value"/> that is not <c>host[:port]</c>.</summary>
    public static IEnumerable<string> Problems(string? value) =>
        SplitHosts(value).Where(h => ParseHost(h) is null).Select(h =>
            $"{UploadHostsParameter}: '{h}' is not a host[:port] (no scheme, user, path or query; e.g. {UploadHostsParameter}=uploads.example.com,127.0.0.2:5001).");

    private static (string Host, int? Port)? ParseHost(string entry)
    {
        if (entry.Length == 0 || entry.Contains("://", StringComparison.Ordinal) || entry.IndexOfAny(['/', '?', '#', '@', ' ']) >= 0
            || !Uri.TryCreate("https://" + entry, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/")
        {
            return null;
        }

        // A bare host allows any port; "host:port" only that one.
        return (uri.IdnHost, entry.EndsWith(":" + uri.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) ? uri.Port : null);
    }
}
