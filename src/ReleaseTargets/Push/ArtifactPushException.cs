using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Push;

/// <summary>One artifact could not be pushed; carries what the failure report needs.</summary>
internal sealed class ArtifactPushException(Artifact artifact, Exception fault, int retries, long bytesSent)
    : ReleaseTargetsException(fault is ReleaseTargetsException ? fault.Message : $"Pushing '{artifact.RelativePath}' failed: {StorageFaultClassifier.Describe(fault)} ({Diagnostics.ServerText.Sanitize(fault.Message, Diagnostics.ServerText.MaxMessageLength)})", fault)
{
    public Artifact Artifact { get; } = artifact;

    public Exception Fault { get; } = fault;

    public int Retries { get; } = retries;

    /// <summary>Bytes of this artifact that went over the wire before it failed (failed attempts included).</summary>
    public long BytesSent { get; } = bytesSent;

    /// <summary>Whether this failure ends the whole push: a dead credential or endpoint fails every other artifact the same way.</summary>
    public bool StopsThePush => Fault is RequestFailureException request ? request.StopsThePush : true;
}
