namespace ReleaseTargets.Push;

/// <summary>A storage request that failed for good: which step, what the classifier made of the last fault, how many attempts.</summary>
public sealed class StorageRequestException(string step, Exception fault, FaultKind kind, int attempts, string message)
    : ReleaseTargetsException(message, fault)
{
    /// <summary>What was being done, e.g. "Pushing 'app.zip'" or "Listing release '1.2.3'".</summary>
    public string Step { get; } = step;

    public Exception Fault { get; } = fault;

    public FaultKind Kind { get; } = kind;

    public int Attempts { get; } = attempts;

    /// <summary>Whether the rest of the push should stop too (see <see cref="StorageFaultClassifier.StopsThePush"/>).</summary>
    public bool StopsThePush => StorageFaultClassifier.StopsThePush(Fault, isBlockStaging: Kind != FaultKind.NotFound);
}
