using System.Globalization;
using System.Net.Http.Headers;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Registry.Resilience;

/// <summary>
/// A registry request answered with an error: status, the first OCI error code of the body
/// (<c>{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}</c>), the authentication challenge and any Retry-After. The path is kept
/// without its query (upload URLs carry a signed <c>_state</c>).
/// </summary>
internal sealed class RegistryRequestException : ReleaseTargetsException
{
    /// <param name="errorCode">As the registry sent it; kept only through <see cref="ServerText"/>.</param>
    /// <param name="challenge">As the registry sent it; read for <c>insufficient_scope</c> whole, then kept through <see cref="ServerText"/>.</param>
    public RegistryRequestException(string method, string path, int status, string? errorCode, string? challenge, RetryConditionHeaderValue? retryAfter)
        : base($"{method} {path} answered {status}{(errorCode is null ? "" : " " + ServerText.Sanitize(errorCode))}")
    {
        Method = method;
        RequestPath = path;
        Status = status;
        ErrorCode = ServerText.Sanitize(errorCode);
        Challenge = ServerText.Sanitize(challenge);
        IsInsufficientScope = RegistryResponseClassifier.IsInsufficientScope(status, challenge);
        RetryAfter = retryAfter;
    }

    public string Method { get; }

    public string RequestPath { get; }

    public int Status { get; }

    /// <summary>The OCI error code (<c>DENIED</c>, <c>BLOB_UPLOAD_UNKNOWN</c>, …) when the body had one, as one printable bounded line.</summary>
    public string? ErrorCode { get; }

    /// <summary>The <c>WWW-Authenticate</c> header of a 401, as one printable bounded line.</summary>
    public string? Challenge { get; }

    public RetryConditionHeaderValue? RetryAfter { get; }

    /// <summary>Whether a 401 says the token lacks the scope (<c>error="insufficient_scope"</c>), not that it expired.</summary>
    public bool IsInsufficientScope { get; }

    /// <summary>"404 BLOB_UPLOAD_UNKNOWN", "503".</summary>
    public string Describe() => Status.ToString(CultureInfo.InvariantCulture) + (ErrorCode is null ? "" : " " + ErrorCode) + (IsInsufficientScope ? " insufficient_scope" : "");
}
