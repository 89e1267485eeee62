using System.Globalization;
using System.Net;
using Azure;
using Polly.Timeout;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Resilience;

/// <summary>
/// The one place that decides what a storage failure means. Classifies by HTTP status and
/// <c>x-ms-error-code</c>, never by message text (Azurite and Azure word the same fault differently).
/// </summary>
internal sealed class StorageFaultClassifier : IFaultClassifier
{
    /// <summary>For <see cref="RequestRunner"/> and <see cref="PushResiliencePipeline.Create"/>.</summary>
    public static readonly StorageFaultClassifier Instance = new();

    private static readonly FailureWording Words = new(
        Endpoint: "the storage endpoint",
        Subject: "storage",
        StillUp: "(is the emulator or the network still up?)",
        NothingWritten: "Nothing was published",
        FreshRerun: "nothing was staged yet, so it starts afresh",
        ResumedRerun: "it resumes from the blocks already staged",
        LaterRerun: "the push resumes",
        Renewed: "SAS renewed");

    FailureWording IFaultClassifier.Wording => Words;

    public static FaultKind Classify(Exception exception, bool isBlockStaging = false)
    {
        // A certificate or a silent endpoint first: the SDK reports both as status 0, which alone reads as transient.
        if (TransportFaults.Find(exception) is { } transport)
        {
            return transport;
        }

        switch (exception)
        {
            case RequestFailedException failed:
                return ClassifyResponse(failed.Status, failed.ErrorCode, isBlockStaging);
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                // The SDK wraps transport failures in AggregateException when its own retries run out.
                return aggregate.InnerExceptions.Select(e => Classify(e, isBlockStaging)).FirstOrDefault(k => k != FaultKind.Fatal, FaultKind.Fatal);
            case var _ when TransportFaults.IsTransient(exception):
                return FaultKind.Transient;
            default:
                return exception.InnerException is { } inner ? Classify(inner, isBlockStaging) : FaultKind.Fatal;
        }
    }

    public static FaultKind ClassifyResponse(int status, string? errorCode, bool isBlockStaging = false) => (status, errorCode) switch
    {
        (0, _) => FaultKind.Transient,
        (403, "AuthenticationFailed") => FaultKind.CredentialExpired,
        (403, "AuthorizationFailure") => FaultKind.CredentialRejected,
        (403, _) => FaultKind.PermissionDenied,
        (404, "ContainerNotFound") => FaultKind.ContainerNotFound,
        (404, _) when isBlockStaging => FaultKind.Transient,
        (404, _) => FaultKind.NotFound,
        (409, "BlobAlreadyExists") or (412, "ConditionNotMet") => FaultKind.AlreadyExists,
        (400, "Md5Mismatch" or "Crc64Mismatch") => FaultKind.ContentCorrupted,
        (400, "InvalidBlockList") => FaultKind.InvalidBlockList,
        (408 or 429 or 500 or 502 or 503 or 504, _) => FaultKind.Transient,
        (_, "ServerBusy" or "OperationTimedOut" or "InternalError") => FaultKind.Transient,
        _ => FaultKind.Fatal,
    };

    /// <summary>Connection refused, host unreachable: see <see cref="TransportFaults.IsUnreachable"/>.</summary>
    public static bool IsUnreachable(Exception exception) => TransportFaults.IsUnreachable(exception);

    /// <summary>
    /// Whether a request that failed for good should stop the whole push: everything but a transient fault of an endpoint
    /// that still answers. A dead credential, a missing permission or container, a conflict or a vanished endpoint fails
    /// every other artifact the same way.
    /// </summary>
    public static bool StopsThePush(Exception exception, bool isBlockStaging = true) =>
        IsUnreachable(exception) || Classify(exception, isBlockStaging) is not (FaultKind.Transient or FaultKind.ContentCorrupted);

    /// <summary>The wait the service asked for, from <c>x-ms-retry-after-ms</c>, <c>retry-after-ms</c> or <c>Retry-After</c>.</summary>
    public static TimeSpan? RequestedDelay(Exception exception, DateTimeOffset now)
    {
        if (exception is not RequestFailedException { } failed || failed.GetRawResponse() is not { } response)
        {
            return null;
        }

        foreach (var header in new[] { "x-ms-retry-after-ms", "retry-after-ms" })
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0 && milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (response.Headers.TryGetValue("Retry-After", out var retryAfter))
        {
            if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
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

    /// <summary>Short description for logs and reports: "503 ServerBusy", "IOException", "connection refused".</summary>
    public static string Describe(Exception exception) => exception switch
    {
        _ when TransportFaults.Describe(exception) is { } transport => transport,
        RequestFailedException { ErrorCode: { Length: > 0 } code } failed => $"{failed.Status} {ServerText.Sanitize(code)}",
        RequestFailedException { Status: > 0 } failed => $"{failed.Status} {(HttpStatusCode)failed.Status}",
        _ when IsUnreachable(exception) => "no answer from the endpoint (connection refused)",
        RequestFailedException => "no response",
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        TimeoutRejectedException => "per-try timeout",
        ReleaseTargetsException => "refused",
        _ => exception.GetType().Name,
    };

    FaultKind IFaultClassifier.Classify(Exception exception, bool isBlockStaging) => Classify(exception, isBlockStaging);

    TimeSpan? IFaultClassifier.RequestedDelay(Exception exception, DateTimeOffset now) => RequestedDelay(exception, now);

    string IFaultClassifier.Describe(Exception exception) => Describe(exception);

    bool IFaultClassifier.StopsThePush(Exception exception, bool isBlockStaging) => StopsThePush(exception, isBlockStaging);

    bool IFaultClassifier.IsRequestFault(Exception exception) => exception is not ReleaseTargetsException;

    string? IFaultClassifier.Advice(FaultKind kind, Exception fault, PushRetryOptions options, string target, string rerun) => kind switch
    {
        FaultKind.PermissionDenied =>
            "the SAS or identity lacks a permission this push needs (create + write on blobs, read for resume, list to find published artifacts). Grant the identity 'Storage Blob Data Contributor' on the container; renewing cannot fix this, so no retry was made.",
        FaultKind.CredentialExpired =>
            $"storage still rejected the credential as expired after {options.MaxCredentialRenewals} renewals; check this machine's clock (skew) and that the identity can create user delegation keys.",
        FaultKind.CredentialRejected =>
            "storage answered 403 AuthorizationFailure again with a freshly minted SAS. Either this machine's clock is off by more than the 15-minute skew margin, " +
            "or the storage account's firewall / network rules deny this machine's address (or the request reached another container). Check the clock, then the account's Networking settings.",
        FaultKind.ContainerNotFound =>
            $"container '{target}' does not exist; create it, or pass --create-container=true so RefreshCredentials creates it.",
        FaultKind.Transient => PerTryTimeoutAdvice(fault, options, rerun),
        _ => null,
    };

    /// <summary>
    /// When every try ran out of <c>PerTryTimeout</c> while the endpoint kept answering (a stall is <see cref="FaultKind.Unresponsive"/>),
    /// more retries of the same size do not help: the request is too big for the link in that time. Null for any other fault.
    /// </summary>
    internal static string? PerTryTimeoutAdvice(Exception fault, PushRetryOptions options, string rerun) =>
        fault is TimeoutRejectedException || fault.InnerException is TimeoutRejectedException
            ? $"every try ran past --per-try-timeout {Units.Duration(options.PerTryTimeout)} while the endpoint was still receiving: the link is too slow for one request in that time. " +
              $"Raise --per-try-timeout or lower --block-size-mi-b, then re-run the push: {rerun}."
            : null;
}
