using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Credentials;

/// <summary>What an answer of the GitHub Actions ID token endpoint means: the one place its status is read.</summary>
internal static class OidcAnswerClassifier
{
    /// <summary>Whether the answer may carry the token (any 2xx); anything else fails without reading the body.</summary>
    public static bool MayHoldToken(HttpResponseMessage response) => response.IsSuccessStatusCode;

    /// <summary>"HTTP 403 (Forbidden)": the status and its reason phrase, which is server text and printed only sanitized.</summary>
    public static string Describe(HttpResponseMessage response, bool withReason = true) =>
        withReason && ServerText.Sanitize(response.ReasonPhrase) is { Length: > 0 } reason
            ? $"HTTP {(int)response.StatusCode} ({reason})"
            : $"HTTP {(int)response.StatusCode}";
}
