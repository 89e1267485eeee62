using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Diagnostics;

/// <summary>
/// The one place secrets are removed from text: SAS signatures, bearer tokens, JWTs, account keys,
/// and any value registered at run time (a minted SAS, a user delegation key). Every log line,
/// exception message and report passes through here.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "***";

    private static readonly ConcurrentDictionary<string, byte> KnownSecrets = new(StringComparer.Ordinal);

    /// <summary>Remembers a secret value so that it is masked wherever it later appears verbatim.</summary>
    public static void Register(string? secret)
    {
        // Very short values would mask ordinary words; real secrets are long.
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 8)
        {
            KnownSecrets.TryAdd(secret, 0);
            KnownSecrets.TryAdd(Uri.EscapeDataString(secret), 0);
        }
    }

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (var secret in KnownSecrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        text = SasSignature().Replace(text, "${name}=" + Mask);
        text = Bearer().Replace(text, "${scheme} " + Mask);
        text = Jwt().Replace(text, Mask);
        text = KeyValueSecret().Replace(text, "${name}=" + Mask);
        return text;
    }

    // sig (signature) and skoid/sktid/skt/ske are not secret, but sig is; keep the others readable.
    [GeneratedRegex(@"(?<name>(?<![A-Za-z])sig)=[^&\s""'<>]+", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"(?<scheme>Bearer|SharedKey|Basic)\s+[A-Za-z0-9\-\._~\+/:=]+", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<name>AccountKey|SharedAccessSignature|client_secret|client_assertion|access_token)=[^;&\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueSecret();
}
