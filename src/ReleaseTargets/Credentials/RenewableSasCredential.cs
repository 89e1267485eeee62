using Azure;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Credentials;

/// <summary>
/// The SAS a push runs on, renewed in place (<see cref="AzureSasCredential.Update"/> is thread-safe and every later
/// request uses the new SAS): proactively when the remaining validity no longer covers the remaining work, and
/// reactively after a 403 that means the SAS is no longer valid. Uploads in flight continue; nothing restarts.
/// </summary>
internal sealed class RenewableSasCredential : IPushCredential, IDisposable
{
    private readonly Func<TimeSpan?, CancellationToken, Task<IssuedSas>> _issueAsync;
    private readonly Func<PushProgress, TimeSpan> _remainingWork;
    private readonly SasLifetimePolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly IReleaseLog _log;
    private readonly bool _proactive;
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private long _generation;
    private int _renewals;

    /// <param name="initial">The SAS minted by RefreshCredentials.</param>
    /// <param name="issueAsync">Mints a SAS sized for the given remaining work (null: the whole push forecast).</param>
    /// <param name="remainingWork">Forecast of the work left, from live progress.</param>
    public RenewableSasCredential(
        IssuedSas initial,
        Func<TimeSpan?, CancellationToken, Task<IssuedSas>> issueAsync,
        Func<PushProgress, TimeSpan> remainingWork,
        SasLifetimePolicy policy,
        bool proactive,
        TimeProvider timeProvider,
        IReleaseLog log)
    {
        Current = initial;
        Credential = new AzureSasCredential(initial.Token);
        _issueAsync = issueAsync;
        _remainingWork = remainingWork;
        _policy = policy;
        _proactive = proactive;
        _timeProvider = timeProvider;
        _log = log;
    }

    public AzureSasCredential Credential { get; }

    public IssuedSas Current { get; private set; }

    public long Generation => Interlocked.Read(ref _generation);

    public int Renewals => Volatile.Read(ref _renewals);

    public async ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default)
    {
        if (!_proactive)
        {
            return;
        }

        // The generation first: read after the check, a renewal in between would be taken for ours and renewed again.
        var seen = Generation;
        var remaining = _remainingWork(progress);
        if (!_policy.ShouldRenew(_timeProvider.GetUtcNow(), Current.Window, remaining))
        {
            return;
        }

        await RenewAsync(seen, remaining, "proactive: remaining validity below the forecast of remaining work", cancellationToken);
    }

    public async ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default) =>
        await RenewAsync(rejectedGeneration, remainingWork: null, "reactive: storage rejected the SAS as no longer valid", cancellationToken);

    public void Dispose() => _renewing.Dispose();

    private async Task RenewAsync(long seenGeneration, TimeSpan? remainingWork, string reason, CancellationToken cancellationToken)
    {
        await _renewing.WaitAsync(cancellationToken);
        try
        {
            // Another request already renewed after this one saw the old SAS: use that one.
            if (seenGeneration >= 0 && seenGeneration != Generation)
            {
                return;
            }

            var issued = await _issueAsync(remainingWork, cancellationToken);
            Credential.Update(issued.Token);
            Current = issued;
            Interlocked.Increment(ref _generation);
            Interlocked.Increment(ref _renewals);
            _log.Information($"SAS renewed ({reason}). {issued.Window.Describe()}");
        }
        finally
        {
            _renewing.Release();
        }
    }
}
