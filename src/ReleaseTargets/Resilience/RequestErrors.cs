using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Resilience;

/// <summary>
/// The one error factory: turns a failed request, storage or registry, into one line a user can act on: what failed, the
/// last status, the attempts, what next. The endpoint supplies its words and its own advice through its
/// <see cref="IFaultClassifier"/>. (Redaction is not done here: every <see cref="ReleaseTargetsException"/> redacts its
/// message on construction. Text the server chose passes <see cref="ServerText"/>.)
/// </summary>
internal static class RequestErrors
{
    /// <param name="target">The container or repository the request was for.</param>
    /// <param name="anythingStaged">Whether this push staged or found anything yet: only then does a re-run "resume".</param>
    public static string Describe(IFaultClassifier classifier, string step, Exception fault, FaultKind kind, int attempts, PushRetryOptions options, string target, TimeProvider timeProvider, bool anythingStaged = false)
    {
        var words = classifier.Wording;
        var resumes = anythingStaged && words.ResumedRerun is not null;
        var rerun = resumes ? words.ResumedRerun! : words.FreshRerun;
        var next = kind switch
        {
            FaultKind.Unresponsive or FaultKind.CertificateRejected =>
                TransportFaults.Next(kind, attempts, options, words.Endpoint, rerun)!,
            _ when TransportFaults.IsUnreachable(fault) =>
                $"{words.Endpoint} stopped answering {words.StillUp}. {words.NothingWritten}; re-run the push: {rerun}.",
            FaultKind.Transient when PushResiliencePipeline.ExceedsCap(classifier, fault, options, timeProvider.GetUtcNow()) is { } wait =>
                $"{words.Subject} asked to wait {Units.Duration(wait)}, longer than RetryAfterCap {Units.Duration(options.RetryAfterCap)}; re-run later ({words.LaterRerun}), or raise --retry-after-cap.",
            _ when classifier.Advice(kind, fault, options, target, rerun) is { } advice => advice,
            FaultKind.Transient or FaultKind.ContentCorrupted =>
                $"{words.Subject} kept failing transiently; re-run the push: {rerun} (raise --max-retries if this is routine).",
            _ => $"{ServerText.Sanitize(fault.Message, ServerText.MaxMessageLength)} Re-run the push{(resumes ? " to resume" : "")}; if it fails the same way, report it.",
        };
        return $"{step} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}: last error {classifier.Describe(fault)}. Next: {next}";
    }
}
