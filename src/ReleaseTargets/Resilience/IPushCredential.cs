using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Resilience;

/// <summary>
/// The credential a push runs on, seen from the uploader: it may renew itself ahead of expiry
/// (<see cref="BeforeRequestAsync"/>) and after the service rejects it (<see cref="RenewAfterRejectionAsync"/>).
/// </summary>
internal interface IPushCredential
{
    /// <summary>Increases with each renewal; requests remember the generation they were sent with.</summary>
    long Generation { get; }

    /// <summary>Renewals so far.</summary>
    int Renewals { get; }

    /// <summary>Called before every request: renews proactively when the remaining validity no longer covers the remaining work.</summary>
    ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default);

    /// <summary>Called after a 403 that means the credential is no longer valid; renews once per generation however many requests saw it.</summary>
    ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default);
}
