using ReleaseTargets.Push;

namespace ReleaseTargets.Registry;

/// <summary>A registry request that failed for good: which step, what the classifier made of the last fault, how many attempts.</summary>
public sealed class RegistryRequestFailedException(string step, Exception fault, FaultKind kind, int attempts, string message)
    : ReleaseTargetsException(message, fault)
{
    public string Step { get; } = step;

    public Exception Fault { get; } = fault;

    public FaultKind Kind { get; } = kind;

    public int Attempts { get; } = attempts;

    /// <summary>Whether the rest of the push should stop too (see <see cref="RegistryFaultClassifier.StopsThePush"/>).</summary>
    public bool StopsThePush => RegistryFaultClassifier.StopsThePush(Fault);
}
