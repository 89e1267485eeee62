using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ReleaseTargets.Resilience;

/// <summary>
/// Builds the one retry owner of a push (Polly v8), outermost first:
/// credential renewal (its own small budget, so a bad SAS does not eat the transient budget) →
/// transient retry (exponential backoff + jitter, server-requested delays honoured up to a cap; a silent endpoint at most
/// <see cref="PushRetryOptions.UnresponsiveRetries"/> times; a rejected certificate never) → per-try timeout. The
/// response timeout sits in the transport (<see cref="ResponseWatchHandler"/>), where body progress is visible.
/// </summary>
internal static class PushResiliencePipeline
{
    /// <summary>Context key carrying whether the operation stages a block (404 is then transient).</summary>
    public static readonly ResiliencePropertyKey<bool> IsBlockStaging = new("ReleaseTargets.IsBlockStaging");

    /// <summary>Context key of the counter that retries of one artifact add to.</summary>
    public static readonly ResiliencePropertyKey<StrongBox<int>> RetryCounter = new("ReleaseTargets.RetryCounter");

    /// <summary>Context key of the SAS generation the current attempt used, so concurrent 403s renew once.</summary>
    public static readonly ResiliencePropertyKey<long> CredentialGeneration = new("ReleaseTargets.CredentialGeneration");

    public static ResiliencePipeline Create(
        PushRetryOptions options,
        TimeProvider timeProvider,
        IPushCredential credential,
        Action<PushRetryEvent> onRetry,
        IFaultClassifier? classifier = null)
    {
        // Storage by default; the registry push passes its own classifier into the same pipeline (one retry owner).
        classifier ??= StorageFaultClassifier.Instance;
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (credential is not NoRenewal)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "CredentialRenewal",
                MaxRetryAttempts = Math.Max(1, options.MaxCredentialRenewals),
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = args => ValueTask.FromResult(
                    options.MaxCredentialRenewals > 0 &&
                    args.Outcome.Exception is { } e &&
                    classifier.Classify(e, IsStaging(args.Context)) switch
                    {
                        FaultKind.CredentialExpired => true,
                        // AuthorizationFailure is also a firewall or network-rule denial, which no SAS fixes: one fresh
                        // SAS tells the two apart, so only the first attempt of a request renews for it.
                        FaultKind.CredentialRejected => args.AttemptNumber == 0,
                        _ => false,
                    }),
                OnRetry = async args =>
                {
                    Count(args.Context);
                    onRetry(new PushRetryEvent(args.Outcome.Exception!, args.AttemptNumber + 1, TimeSpan.Zero, IsCredentialRenewal: true));
                    await credential.RenewAfterRejectionAsync(args.Context.Properties.GetValue(CredentialGeneration, -1), args.Context.CancellationToken);
                },
            });
        }

        return builder
            .AddRetry(new RetryStrategyOptions
            {
                Name = "Transient",
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0 &&
                    args.Outcome.Exception is { } e &&
                    classifier.Classify(e, IsStaging(args.Context)) switch
                    {
                        FaultKind.Transient or FaultKind.ContentCorrupted => ExceedsCap(classifier, e, options, timeProvider.GetUtcNow()) is null,
                        // A silent endpoint gets a small budget of its own: each try costs a whole ResponseTimeout.
                        FaultKind.Unresponsive => args.AttemptNumber < options.UnresponsiveRetries,
                        _ => false,
                    }),
                DelayGenerator = args =>
                {
                    var requested = args.Outcome.Exception is { } e ? classifier.RequestedDelay(e, timeProvider.GetUtcNow()) : null;
                    return ValueTask.FromResult(requested);
                },
                OnRetry = args =>
                {
                    Count(args.Context);
                    onRetry(new PushRetryEvent(args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay, IsCredentialRenewal: false));
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.PerTryTimeout })
            .Build();
    }

    /// <summary>
    /// The one check of the Retry-After cap: the wait the server asked for when it is longer than
    /// <see cref="PushRetryOptions.RetryAfterCap"/>, else null. Such a fault is not retried: a hostile hour-long
    /// Retry-After must not hang a release.
    /// </summary>
    public static TimeSpan? ExceedsCap(IFaultClassifier classifier, Exception exception, PushRetryOptions options, DateTimeOffset now) =>
        classifier.RequestedDelay(exception, now) is { } requested && requested > options.RetryAfterCap ? requested : null;

    private static void Count(ResilienceContext context)
    {
        if (context.Properties.TryGetValue(RetryCounter, out var counter))
        {
            Interlocked.Increment(ref counter.Value);
        }
    }

    private static bool IsStaging(ResilienceContext context) => context.Properties.GetValue(IsBlockStaging, false);
}
