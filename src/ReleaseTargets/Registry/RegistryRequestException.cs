using System.Globalization;
using System.Net.Http.Headers;

namespace ReleaseTargets.Registry;

/// <summary>
/// A registry request answered with an error: status, the first OCI error code of the body
/// (<c>{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}</c>), the authentication challenge and any Retry-After. The path is kept
/// without its query (upload URLs carry a signed <c>_state</c>).
/// </summary>
public sealed class RegistryRequestException : ReleaseTargetsException
{
    public RegistryRequestException(string method, string path, int status, string? errorCode, string? challenge, RetryConditionHeaderValue? retryAfter)
        : base($"{method} {path} answered {status}{(errorCode is null ? "" : " " + errorCode)}")
    {
        Method = method;
        RequestPath = path;
        Status = status;
        ErrorCode = errorCode;
        Challenge = challenge;
        RetryAfter = retryAfter;
    }

    public string Method { get; }

    public string RequestPath { get; }

    public int Status { get; }

    /// <summary>The OCI error code (<c>DENIED</c>, <c>BLOB_UPLOAD_UNKNOWN</c>, …) when the body had one.</summary>
    public string? ErrorCode { get; }

    /// <summary>The <c>WWW-Authenticate</c> header of a 401.</summary>
    public string? Challenge { get; }

    public RetryConditionHeaderValue? RetryAfter { get; }

    /// <summary>Whether a 401 says the token lacks the scope (<c>error="insufficient_scope"</c>), not that it expired.</summary>
    public bool IsInsufficientScope => Status == 401 && (Challenge?.Contains("insufficient_scope", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>"404 BLOB_UPLOAD_UNKNOWN", "503".</summary>
    public string Describe() => Status.ToString(CultureInfo.InvariantCulture) + (ErrorCode is null ? "" : " " + ErrorCode) + (IsInsufficientScope ? " insufficient_scope" : "");
}
