using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push;

/// <summary>Turns a failed artifact into one line a user can act on: what failed, the last status, the attempts, what next.</summary>
public static class PushErrors
{
    public static string Describe(ArtifactPushException failure, PushRetryOptions options, string container, TimeProvider timeProvider)
    {
        var fault = failure.Fault;
        var status = StorageFaultClassifier.Describe(fault);
        var attempts = failure.Retries + 1;
        var next = StorageFaultClassifier.Classify(fault, isBlockStaging: true) switch
        {
            FaultKind.PermissionDenied =>
                "the SAS or identity lacks a permission this push needs (create + write on blobs, read for resume). Grant the identity 'Storage Blob Data Contributor' on the container; renewing cannot fix this, so no retry was made.",
            FaultKind.CredentialExpired =>
                $"storage still rejected the credential after {options.MaxCredentialRenewals} renewals; check this machine's clock (skew) and that the identity can create user delegation keys.",
            FaultKind.ContainerNotFound =>
                $"container '{container}' does not exist; create it, or pass --create-container=true so RefreshCredentials creates it.",
            FaultKind.Transient when PushResiliencePipeline.ExceedsCap(fault, options, timeProvider) =>
                $"storage asked to wait {Units.Duration(StorageFaultClassifier.RequestedDelay(fault, timeProvider.GetUtcNow())!.Value)}, longer than RetryAfterCap {Units.Duration(options.RetryAfterCap)}; re-run later (the push resumes), or raise --retry-after-cap.",
            FaultKind.Transient or FaultKind.ContentCorrupted =>
                "storage kept failing transiently; re-run the push: it resumes from the blocks already staged (raise --max-retries if this is routine).",
            _ => $"{fault.Message} Re-run the push to resume; if it fails the same way, report it.",
        };
        return Redactor.Redact($"Pushing '{failure.Artifact.RelativePath}' failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: last error {status}. Next: {next}");
    }
}
