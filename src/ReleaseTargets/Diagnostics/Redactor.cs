using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Diagnostics;

/// <summary>
/// Removes secrets from text: the values registered with this instance (a minted SAS, a user delegation key, a registry
/// password) and, always, what looks like one (SAS signatures, bearer tokens, JWTs, account keys). A run owns exactly one
/// instance (<see cref="Steps.RunContext.Redactor"/>): its log lines, its report and the exceptions that leave it pass
/// through that instance, and what one run registers never masks (or leaks into) another run's text (issue 19).
/// </summary>
internal sealed partial class Redactor
{
    public const string Mask = "***";

    private const string Ellipsis = "…";
    private const int MinimumCutPrefix = 3;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);

    // Longest first, so a short secret inside a longer one never leaves the rest of the longer one readable.
    private string[] _ordered = [];

    /// <summary>
    /// Remembers a secret value so that it is masked wherever it later appears verbatim, URL-escaped or JSON-escaped.
    /// Every secret counts, whatever its length (issue 21: a 7-character password echoed in a registry error body was
    /// printed because values under 8 characters were skipped). The price is deliberate: a very short secret also masks
    /// the same letters inside ordinary words ("pass" makes "password" read "***word"). A log that reads oddly is the
    /// lesser harm; a password that short is worth changing anyway.
    /// </summary>
    public void Register(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        lock (_gate)
        {
            var added = _secrets.Add(secret)
                | _secrets.Add(Uri.EscapeDataString(secret))
                // push-report.json escapes '+', '<', '&', quotes and non-ASCII ("a+b" is written "a\u002Bb").
                | _secrets.Add(JsonEncodedText.Encode(secret).ToString());
            if (added)
            {
                Volatile.Write(ref _ordered, _secrets.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray());
            }
        }
    }

    /// <summary>A user name and password: the password alone, the <c>user:password</c> pair and its base64 (a basic header).</summary>
    public void RegisterBasicCredentials(string username, string password)
    {
        Register(password);
        Register($"{username}:{password}");
        Register(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
    }

    /// <summary>The secrets registered here (longest first), then <see cref="RedactPatterns"/>. Null becomes empty.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var secrets = Volatile.Read(ref _ordered);
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return RedactPatterns(text.Contains(Ellipsis, StringComparison.Ordinal) ? MaskCutSecrets(text, secrets) : text);
    }

    /// <summary>
    /// <see cref="ServerText"/> cuts long server text with "…" before any run's secrets are known there, so a secret echoed
    /// across the cut leaves only its first part, which the whole secret no longer matches: masked here when at least
    /// <see cref="MinimumCutPrefix"/> characters of it stand right before an ellipsis.
    /// </summary>
    private static string MaskCutSecrets(string text, string[] secrets)
    {
        for (var at = text.IndexOf(Ellipsis, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Ellipsis, at + 1, StringComparison.Ordinal))
        {
            foreach (var secret in secrets)
            {
                var longest = Enumerable.Range(MinimumCutPrefix, Math.Max(0, Math.Min(secret.Length - 1, at) - MinimumCutPrefix + 1))
                    .LastOrDefault(k => string.CompareOrdinal(text, at - k, secret, 0, k) == 0);
                if (longest > 0)
                {
                    text = string.Concat(text.AsSpan(0, at - longest), Mask, text.AsSpan(at));
                    at = at - longest + Mask.Length;
                    break;
                }
            }
        }

        return text;
    }

    /// <summary>
    /// Only what looks like a secret whoever registered it: SAS <c>sig=</c>, <c>Bearer</c>/<c>SharedKey</c>/<c>Basic</c>
    /// parameters, JWTs, <c>AccountKey=</c>-style values. For text made where no run is known (a public log sink, an
    /// exception's constructor, server text); the run's instance removes its registered secrets at its boundaries. Null becomes empty.
    /// </summary>
    public static string RedactPatterns(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
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
