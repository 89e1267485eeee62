namespace ReleaseTargets.Push;

/// <summary>One retry the pipeline is about to make: the fault, which attempt comes next, and how long it waits.</summary>
public sealed record PushRetryEvent(Exception Fault, int NextAttempt, TimeSpan Delay, bool IsCredentialRenewal);
