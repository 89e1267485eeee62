using ReleaseTargets.Configuration;

namespace ReleaseTargets.Resilience;

/// <summary>The retry budget of a push: the only one, since the SDK's own retries are switched off.</summary>
internal sealed record PushRetryOptions
{
    /// <summary>Retries per request for transient faults. Default: 6.</summary>
    public int MaxRetries { get; init; } = ReleaseDefaults.MaxRetries;

    /// <summary>First backoff delay (exponential, with jitter). Default: 0.8 s.</summary>
    public TimeSpan BaseDelay { get; init; } = ReleaseDefaults.RetryBaseDelay;

    /// <summary>Longest computed backoff delay. Default: 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = ReleaseDefaults.RetryMaxDelay;

    /// <summary>Longest server-requested delay honoured; a longer one fails the request. Default: 60 s.</summary>
    public TimeSpan RetryAfterCap { get; init; } = ReleaseDefaults.RetryAfterCap;

    /// <summary>Time one try may take. Default: 100 s.</summary>
    public TimeSpan PerTryTimeout { get; init; } = ReleaseDefaults.PerTryTimeout;

    /// <summary>
    /// Longest silence of one attempt — no request-body write completing and no response headers — before it is cancelled
    /// as <see cref="FaultKind.Unresponsive"/>. Upload time does not count, only silence. Default: 30 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = ReleaseDefaults.ResponseTimeout;

    /// <summary>Retries of one request after silent attempts, within <see cref="MaxRetries"/>. Default: 2 (three silent attempts end it).</summary>
    public int UnresponsiveRetries { get; init; } = ReleaseDefaults.UnresponsiveRetries;

    /// <summary>SAS renewals per request after a 403 that means the SAS is no longer valid. Default: 3.</summary>
    public int MaxCredentialRenewals { get; init; } = ReleaseDefaults.MaxCredentialRenewals;

    public static PushRetryOptions From(ReleaseOptions options) => new()
    {
        MaxRetries = options.MaxRetries,
        BaseDelay = options.RetryBaseDelay,
        MaxDelay = options.RetryMaxDelay,
        RetryAfterCap = options.RetryAfterCap,
        PerTryTimeout = options.PerTryTimeout,
        ResponseTimeout = options.ResponseTimeout,
        MaxCredentialRenewals = options.MaxCredentialRenewals,
    };
}
