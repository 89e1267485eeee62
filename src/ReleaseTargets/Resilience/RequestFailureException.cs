namespace ReleaseTargets.Resilience;

/// <summary>
/// A request (storage or registry) that failed for good: which step, what the classifier made of the last fault, how many
/// attempts. Thrown only by <see cref="RequestRunner"/>.
/// </summary>
internal sealed class RequestFailureException(string step, Exception fault, FaultKind kind, int attempts, string message, IFaultClassifier classifier)
    : ReleaseTargetsException(message, fault)
{
    /// <summary>What was being done, e.g. "Pushing 'app.zip'" or "Listing release '1.2.3'".</summary>
    public string Step { get; } = step;

    public Exception Fault { get; } = fault;

    public FaultKind Kind { get; } = kind;

    public int Attempts { get; } = attempts;

    /// <summary>Whether the rest of the push should stop too (see <see cref="IFaultClassifier.StopsThePush"/>).</summary>
    public bool StopsThePush => classifier.StopsThePush(Fault, isBlockStaging: Kind != FaultKind.NotFound);
}
