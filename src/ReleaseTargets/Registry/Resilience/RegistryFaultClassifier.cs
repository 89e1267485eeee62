using Polly.Timeout;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Registry.Resilience;

/// <summary>
/// The one place that decides what a registry failure means, by status and OCI error code (never message text), in the
/// same terms as <see cref="StorageFaultClassifier"/> so the same pipeline owns the retries:
/// 408/429/5xx/resets are transient; a 404 during a blob upload is transient (the uploader restarts that blob's session
/// on <c>BLOB_UPLOAD_UNKNOWN</c>/<c>BLOB_UPLOAD_INVALID</c>); a 401 re-authenticates and retries that request; a 403 (or
/// a 401 <c>insufficient_scope</c>) re-authenticates once, and the same answer with a fresh token fails.
/// </summary>
internal sealed class RegistryFaultClassifier : IFaultClassifier
{
    /// <summary>For <see cref="RequestRunner"/> and <see cref="PushResiliencePipeline.Create"/>.</summary>
    public static readonly RegistryFaultClassifier Instance = new();

    private const string BlobsSkipped = "blobs already there are skipped";

    private static readonly FailureWording Words = new(
        Endpoint: "the registry",
        Subject: "the registry",
        StillUp: "(is it, or the network, still up?)",
        NothingWritten: "No tag was written",
        FreshRerun: BlobsSkipped,
        ResumedRerun: null,
        LaterRerun: BlobsSkipped,
        Renewed: "re-authenticated");

    FailureWording IFaultClassifier.Wording => Words;

    public static FaultKind Classify(Exception exception, bool isUpload = false) => exception switch
    {
        _ when TransportFaults.Find(exception) is { } transport => transport,
        RegistryRequestException failed => ClassifyResponse(failed.Status, failed.ErrorCode, failed.IsInsufficientScope, isUpload),
        _ when TransportFaults.IsTransient(exception) => FaultKind.Transient,
        _ => exception.InnerException is { } inner ? Classify(inner, isUpload) : FaultKind.Fatal,
    };

    public static FaultKind ClassifyResponse(int status, string? errorCode, bool insufficientScope = false, bool isUpload = false) => (status, errorCode) switch
    {
        (401, _) when insufficientScope => FaultKind.CredentialRejected,
        (401, _) => FaultKind.CredentialExpired,
        (403, _) => FaultKind.CredentialRejected,
        (404, "BLOB_UPLOAD_UNKNOWN" or "BLOB_UPLOAD_INVALID") => FaultKind.Transient,
        (404, _) when isUpload => FaultKind.Transient,
        (404, _) => FaultKind.NotFound,
        (400, "DIGEST_INVALID") when isUpload => FaultKind.ContentCorrupted,
        (408 or 429 or 500 or 502 or 503 or 504, _) => FaultKind.Transient,
        _ => FaultKind.Fatal,
    };

    /// <summary>Whether the uploader must open a new session for the blob before the next attempt.</summary>
    public static bool RestartsSession(Exception exception) =>
        exception is RegistryRequestException { ErrorCode: "BLOB_UPLOAD_UNKNOWN" or "BLOB_UPLOAD_INVALID" or "DIGEST_INVALID" };

    /// <summary>The wait the registry asked for in <c>Retry-After</c> (seconds or a date).</summary>
    public static TimeSpan? RequestedDelay(Exception exception, DateTimeOffset now) => exception switch
    {
        RegistryRequestException { RetryAfter.Delta: { } delta } => delta,
        RegistryRequestException { RetryAfter.Date: { } at } => at > now ? at - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Whether the rest of the push should stop too: anything but a transient fault of an endpoint that still answers.</summary>
    public static bool StopsThePush(Exception exception) =>
        TransportFaults.IsUnreachable(exception) || Classify(exception, isUpload: true) is not (FaultKind.Transient or FaultKind.ContentCorrupted);

    /// <summary>Short description for logs and reports: "503", "404 BLOB_UPLOAD_UNKNOWN", "IOException".</summary>
    public static string Describe(Exception exception) => exception switch
    {
        _ when TransportFaults.Describe(exception) is { } transport => transport,
        RegistryRequestException failed => failed.Describe(),
        _ when TransportFaults.IsUnreachable(exception) => "no answer from the registry (connection refused)",
        TimeoutRejectedException => "per-try timeout",
        ReleaseTargetsException => "refused",
        HttpRequestException { InnerException: { } inner } => inner.GetType().Name,
        _ => exception.GetType().Name,
    };

    FaultKind IFaultClassifier.Classify(Exception exception, bool isBlockStaging) => Classify(exception, isBlockStaging);

    TimeSpan? IFaultClassifier.RequestedDelay(Exception exception, DateTimeOffset now) => RequestedDelay(exception, now);

    string IFaultClassifier.Describe(Exception exception) => Describe(exception);

    /// <remarks>A registry failure stops the push the same whether or not it was an upload.</remarks>
    bool IFaultClassifier.StopsThePush(Exception exception, bool isBlockStaging) => StopsThePush(exception);

    /// <remarks>The registry's error answers are <see cref="ReleaseTargetsException"/>s (redacted), yet faults of the attempt.</remarks>
    bool IFaultClassifier.IsRequestFault(Exception exception) => exception is RegistryRequestException or not ReleaseTargetsException;

    string? IFaultClassifier.Advice(FaultKind kind, Exception fault, PushRetryOptions options, string target, string rerun) => kind switch
    {
        FaultKind.CredentialRejected when fault is RegistryRequestException { IsInsufficientScope: true } =>
            $"the token does not allow pushing to '{target}' (401 insufficient_scope, also with a fresh token). Grant the identity push on that repository (e.g. AcrPush, or the token service's push access).",
        FaultKind.CredentialRejected =>
            $"the registry denied access to '{target}' twice in a row, the second time with a fresh token: the credential may not push there (403 DENIED). Grant it push on '{target}', or check the repository name.",
        FaultKind.CredentialExpired =>
            $"the registry still rejected the credential after {options.MaxCredentialRenewals} renewals; check RELEASETARGETS_REGISTRY_USERNAME / RELEASETARGETS_REGISTRY_PASSWORD (or the Entra identity) and this machine's clock.",
        _ => null,
    };
}
