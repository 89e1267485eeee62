namespace ReleaseTargets.Push;

/// <summary>
/// How the one push pipeline reads a failure: what kind of fault it is, and how long the server asked to wait. Storage
/// uses <see cref="StorageFaultClassifier"/>; a registry push plugs in <c>RegistryFaultClassifier</c>, so both share one
/// retry owner (<see cref="PushResiliencePipeline"/>) with the same budget, backoff and Retry-After cap.
/// </summary>
/// <param name="Classify">The fault kind of an exception; the flag says whether the request is a data upload (a 404 is then transient).</param>
/// <param name="RequestedDelay">The delay the server asked for (Retry-After), or null.</param>
public sealed record PushFaultClassification(
    Func<Exception, bool, FaultKind> Classify,
    Func<Exception, DateTimeOffset, TimeSpan?> RequestedDelay);
