using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push;

/// <summary>
/// Turns a failed request into one line a user can act on: what failed, the last status, the attempts, what next.
/// (Redaction is not done here: every <see cref="ReleaseTargetsException"/> redacts its message on construction. Text the
/// server chose passes <see cref="ServerText"/>.)
/// </summary>
public static class PushErrors
{
    /// <param name="anythingStaged">Whether this push staged or found anything yet: only then does a re-run "resume".</param>
    public static string Describe(string step, Exception fault, FaultKind kind, int attempts, PushRetryOptions options, string container, TimeProvider timeProvider, bool anythingStaged = false)
    {
        var status = StorageFaultClassifier.Describe(fault);
        var rerun = anythingStaged ? "it resumes from the blocks already staged" : "nothing was staged yet, so it starts afresh";
        var next = kind switch
        {
            FaultKind.Unresponsive or FaultKind.CertificateRejected =>
                TransportFaults.Next(kind, attempts, options, "the storage endpoint", rerun)!,
            _ when StorageFaultClassifier.IsUnreachable(fault) =>
                $"the storage endpoint stopped answering (is the emulator or the network still up?). Nothing was published; re-run the push: {rerun}.",
            FaultKind.PermissionDenied =>
                "the SAS or identity lacks a permission this push needs (create + write on blobs, read for resume, list to find published artifacts). Grant the identity 'Storage Blob Data Contributor' on the container; renewing cannot fix this, so no retry was made.",
            FaultKind.CredentialExpired =>
                $"storage still rejected the credential as expired after {options.MaxCredentialRenewals} renewals; check this machine's clock (skew) and that the identity can create user delegation keys.",
            FaultKind.CredentialRejected =>
                "storage answered 403 AuthorizationFailure again with a freshly minted SAS. Either this machine's clock is off by more than the 15-minute skew margin, " +
                "or the storage account's firewall / network rules deny this machine's address (or the request reached another container). Check the clock, then the account's Networking settings.",
            FaultKind.ContainerNotFound =>
                $"container '{container}' does not exist; create it, or pass --create-container=true so RefreshCredentials creates it.",
            FaultKind.Transient when PushResiliencePipeline.ExceedsCap(fault, options, timeProvider) =>
                $"storage asked to wait {Units.Duration(StorageFaultClassifier.RequestedDelay(fault, timeProvider.GetUtcNow())!.Value)}, longer than RetryAfterCap {Units.Duration(options.RetryAfterCap)}; re-run later (the push resumes), or raise --retry-after-cap.",
            FaultKind.Transient when PerTryTimeoutAdvice(fault, options, rerun) is { } slow => slow,
            FaultKind.Transient or FaultKind.ContentCorrupted =>
                $"storage kept failing transiently; re-run the push: {rerun} (raise --max-retries if this is routine).",
            _ => $"{ServerText.Sanitize(fault.Message, ServerText.MaxMessageLength)} Re-run the push{(anythingStaged ? " to resume" : "")}; if it fails the same way, report it.",
        };
        return $"{step} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: last error {status}. Next: {next}";
    }

    /// <summary>
    /// When every try ran out of <c>PerTryTimeout</c> while the endpoint kept answering (a stall is <see cref="FaultKind.Unresponsive"/>),
    /// more retries of the same size do not help: the request is too big for the link in that time. Null for any other fault.
    /// </summary>
    internal static string? PerTryTimeoutAdvice(Exception fault, PushRetryOptions options, string rerun) =>
        fault is Polly.Timeout.TimeoutRejectedException || fault.InnerException is Polly.Timeout.TimeoutRejectedException
            ? $"every try ran past --per-try-timeout {Units.Duration(options.PerTryTimeout)} while the endpoint was still receiving: the link is too slow for one request in that time. " +
              $"Raise --per-try-timeout or lower --block-size-mi-b, then re-run the push: {rerun}."
            : null;
}
