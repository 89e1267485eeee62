using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Resilience;

/// <summary>For requests made with a token credential (control plane): nothing to renew, Azure.Identity refreshes tokens itself.</summary>
internal sealed class NoRenewal : IPushCredential
{
    public static readonly NoRenewal Instance = new();

    public long Generation => 0;

    public int Renewals => 0;

    public ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default) => default;

    public ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default) => default;
}
