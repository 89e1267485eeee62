namespace ReleaseTargets.Push;

/// <summary>One artifact could not be pushed; carries what the failure report needs.</summary>
public sealed class ArtifactPushException(Artifact artifact, Exception fault, int retries)
    : ReleaseTargetsException($"Pushing '{artifact.RelativePath}' failed: {StorageFaultClassifier.Describe(fault)}", fault)
{
    public Artifact Artifact { get; } = artifact;

    public Exception Fault { get; } = fault;

    public int Retries { get; } = retries;
}
