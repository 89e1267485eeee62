namespace ReleaseTargets.Resilience;

/// <summary>
/// How the one pipeline and the one runner read a failure of one kind of endpoint: what kind of fault it is, how long the
/// server asked to wait, how to name it, and the endpoint's words for the failure sentence. Storage is
/// <see cref="StorageFaultClassifier"/>; a registry push plugs in <c>RegistryFaultClassifier</c>, so both share one retry
/// owner (<see cref="PushResiliencePipeline"/>) with the same budget, backoff and Retry-After cap.
/// </summary>
internal interface IFaultClassifier
{
    /// <summary>The endpoint's words in <see cref="RequestErrors"/> and the retry log line.</summary>
    FailureWording Wording { get; }

    /// <summary>The fault kind of an exception; the flag says whether the request is a data upload (a 404 is then transient).</summary>
    FaultKind Classify(Exception exception, bool isBlockStaging);

    /// <summary>The delay the server asked for (Retry-After), or null.</summary>
    TimeSpan? RequestedDelay(Exception exception, DateTimeOffset now);

    /// <summary>Short description for logs and reports: "503 ServerBusy", "404 BLOB_UPLOAD_UNKNOWN", "IOException".</summary>
    string Describe(Exception exception);

    /// <summary>Whether a request that failed for good should stop the whole push.</summary>
    bool StopsThePush(Exception exception, bool isBlockStaging);

    /// <summary>
    /// Whether the runner translates this fault of an attempt into a <see cref="RequestFailureException"/>: anything but a
    /// <see cref="ReleaseTargetsException"/> (already a verdict), plus the endpoint's own error answers.
    /// </summary>
    bool IsRequestFault(Exception exception);

    /// <summary>What to do after a fault kind only this endpoint has advice for, or null for the shared wording.</summary>
    string? Advice(FaultKind kind, Exception fault, PushRetryOptions options, string target, string rerun);
}

/// <summary>An endpoint's words in the one failure sentence (<see cref="RequestErrors"/>).</summary>
/// <param name="Endpoint">"the storage endpoint", "the registry": who did not answer.</param>
/// <param name="Subject">"storage", "the registry": who asked to wait or kept failing.</param>
/// <param name="StillUp">The question after "stopped answering", with its parentheses.</param>
/// <param name="NothingWritten">What an unreachable endpoint left unwritten: "Nothing was published".</param>
/// <param name="FreshRerun">How a re-run goes when nothing was staged yet.</param>
/// <param name="ResumedRerun">How a re-run goes once something was staged; null when the endpoint does not resume.</param>
/// <param name="LaterRerun">How a re-run later goes, after a too-long Retry-After.</param>
/// <param name="Renewed">The retry log's note for a renewed credential: "SAS renewed".</param>
internal sealed record FailureWording(string Endpoint, string Subject, string StillUp, string NothingWritten, string FreshRerun, string? ResumedRerun, string LaterRerun, string Renewed);
