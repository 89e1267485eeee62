using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure;
using Polly.Timeout;

namespace ReleaseTargets.Push;

/// <summary>
/// The one place that decides what a storage failure means. Classifies by HTTP status and
/// <c>x-ms-error-code</c>, never by message text (Azurite and Azure word the same fault differently).
/// </summary>
public static class StorageFaultClassifier
{
    public static FaultKind Classify(Exception exception, bool isBlockStaging = false)
    {
        switch (exception)
        {
            case RequestFailedException failed:
                return ClassifyResponse(failed.Status, failed.ErrorCode, isBlockStaging);
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                // The SDK wraps transport failures in AggregateException when its own retries run out.
                return aggregate.InnerExceptions.Select(e => Classify(e, isBlockStaging)).FirstOrDefault(k => k != FaultKind.Fatal, FaultKind.Fatal);
            case TimeoutRejectedException:
            case IOException:
            case SocketException:
            case HttpRequestException:
                return FaultKind.Transient;
            case OperationCanceledException when exception.InnerException is TimeoutException or IOException:
                return FaultKind.Transient;
            default:
                return exception.InnerException is { } inner ? Classify(inner, isBlockStaging) : FaultKind.Fatal;
        }
    }

    public static FaultKind ClassifyResponse(int status, string? errorCode, bool isBlockStaging = false) => (status, errorCode) switch
    {
        (0, _) => FaultKind.Transient,
        (403, "AuthenticationFailed" or "AuthorizationFailure") => FaultKind.CredentialExpired,
        (403, _) => FaultKind.PermissionDenied,
        (404, "ContainerNotFound") => FaultKind.ContainerNotFound,
        (404, _) when isBlockStaging => FaultKind.Transient,
        (400, "Md5Mismatch" or "Crc64Mismatch") => FaultKind.ContentCorrupted,
        (400, "InvalidBlockList") => FaultKind.InvalidBlockList,
        (408 or 429 or 500 or 502 or 503 or 504, _) => FaultKind.Transient,
        (_, "ServerBusy" or "OperationTimedOut" or "InternalError") => FaultKind.Transient,
        _ => FaultKind.Fatal,
    };

    /// <summary>The wait the service asked for, from <c>x-ms-retry-after-ms</c>, <c>retry-after-ms</c> or <c>Retry-After</c>.</summary>
    public static TimeSpan? RequestedDelay(Exception exception, DateTimeOffset now)
    {
        if (exception is not RequestFailedException { } failed || failed.GetRawResponse() is not { } response)
        {
            return null;
        }

        foreach (var header in new[] { "x-ms-retry-after-ms", "retry-after-ms" })
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (response.Headers.TryGetValue("Retry-After", out var retryAfter))
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return at > now ? at - now : TimeSpan.Zero;
            }
        }

        return null;
    }

    /// <summary>Short description for logs and reports: "503 ServerBusy", "IOException".</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RequestFailedException { ErrorCode: { Length: > 0 } code } failed => $"{failed.Status} {code}",
        RequestFailedException { Status: > 0 } failed => $"{failed.Status} {(HttpStatusCode)failed.Status}",
        RequestFailedException => "no response",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        TimeoutRejectedException => "per-try timeout",
        _ => exception.GetType().Name,
    };
}
