using ReleaseTargets.Diagnostics;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Seal;

/// <summary>
/// What the seal's own SAS is sized to: no history is needed, the seal waits at most <c>--seal-timeout</c> and then reads
/// records and one listing, so the longest it can take is known in advance.
/// </summary>
internal static class SealForecast
{
    public static PushForecast For(TimeSpan sealTimeout, double safetyFactor)
    {
        var estimate = sealTimeout + SealConstants.VerificationAllowance;
        return new PushForecast(
            TimeSpan.FromSeconds(Math.Ceiling(estimate.TotalSeconds * safetyFactor)),
            estimate,
            safetyFactor,
            RunsUsed: 0,
            $"seal: up to {Units.Duration(sealTimeout)} waiting for shards + {Units.Duration(SealConstants.VerificationAllowance)} to verify",
            BytesPerSecond: null);
    }
}
