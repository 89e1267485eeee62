using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push;

namespace ReleaseTargets.Registry;

/// <summary>Turns a failed registry request into one line a user can act on: what failed, the last status, the attempts, what next.</summary>
public static class RegistryErrors
{
    public static string Describe(string step, Exception fault, FaultKind kind, int attempts, PushRetryOptions options, string repository, TimeProvider timeProvider)
    {
        var status = RegistryFaultClassifier.Describe(fault);
        var next = kind switch
        {
            FaultKind.Unresponsive or FaultKind.CertificateRejected =>
                TransportFaults.Next(kind, attempts, options, "the registry", "blobs already there are skipped")!,
            _ when StorageFaultClassifier.IsUnreachable(fault) =>
                "the registry stopped answering (is it, or the network, still up?). No tag was written; re-run the push: blobs already there are skipped.",
            FaultKind.CredentialRejected when fault is RegistryRequestException { IsInsufficientScope: true } =>
                $"the token does not allow pushing to '{repository}' (401 insufficient_scope, also with a fresh token). Grant the identity push on that repository (e.g. AcrPush, or the token service's push access).",
            FaultKind.CredentialRejected =>
                $"the registry denied access to '{repository}' twice in a row, the second time with a fresh token: the credential may not push there (403 DENIED). Grant it push on '{repository}', or check the repository name.",
            FaultKind.CredentialExpired =>
                $"the registry still rejected the credential after {options.MaxCredentialRenewals} renewals; check RELEASETARGETS_REGISTRY_USERNAME / RELEASETARGETS_REGISTRY_PASSWORD (or the Entra identity) and this machine's clock.",
            FaultKind.Transient when RegistryFaultClassifier.RequestedDelay(fault, timeProvider.GetUtcNow()) is { } wait && wait > options.RetryAfterCap =>
                $"the registry asked to wait {Units.Duration(wait)}, longer than RetryAfterCap {Units.Duration(options.RetryAfterCap)}; re-run later (blobs already there are skipped), or raise --retry-after-cap.",
            FaultKind.Transient or FaultKind.ContentCorrupted =>
                "the registry kept failing transiently; re-run the push: blobs already there are skipped (raise --max-retries if this is routine).",
            _ => $"{ServerText.Sanitize(fault.Message, ServerText.MaxMessageLength)} Re-run the push; if it fails the same way, report it.",
        };
        return $"{step} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: last error {status}. Next: {next}";
    }
}
