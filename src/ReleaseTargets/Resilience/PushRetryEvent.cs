using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Resilience;

/// <summary>One retry the pipeline is about to make: the fault, which attempt comes next, and how long it waits.</summary>
internal sealed record PushRetryEvent(Exception Fault, int NextAttempt, TimeSpan Delay, bool IsCredentialRenewal)
{
    /// <summary>Waits at least this long are printed at normal verbosity: a quiet log must never hide a long wait.</summary>
    public static readonly TimeSpan NotableDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The level of this retry's log line: Information when the attempt ended by waiting (a silent endpoint, a per-try
    /// timeout) or the next wait is long, so a stalled push is never silent; Verbose for the quick retries of routine faults.
    /// </summary>
    public ReleaseLogLevel Level => TransportFaults.IsTimeout(Fault) || Delay >= NotableDelay ? ReleaseLogLevel.Information : ReleaseLogLevel.Verbose;
}
