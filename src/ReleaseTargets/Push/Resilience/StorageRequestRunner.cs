using System.Runtime.CompilerServices;
using Polly;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push;

/// <summary>
/// The one way a storage request is made, data or control: through the one Polly pipeline (credential renewal →
/// transient retry → per-try timeout), with proactive SAS renewal before every attempt, every retry counted in one
/// total, and a failure that ends as a <see cref="StorageRequestException"/> naming the step, the attempts and what to do.
/// </summary>
public sealed class StorageRequestRunner
{
    private readonly ResiliencePipeline _pipeline;
    private readonly IPushCredential _credential;
    private readonly PushRetryOptions _options;
    private readonly string _container;
    private readonly TimeProvider _timeProvider;

    /// <param name="progress">Live progress for proactive renewal and the progress line's retry count; null outside a push.</param>
    public StorageRequestRunner(PushRetryOptions options, TimeProvider timeProvider, IPushCredential credential, string container, IReleaseLog log, PushProgress? progress = null)
    {
        _options = options;
        _credential = credential;
        _container = container;
        _timeProvider = timeProvider;
        Progress = progress;
        _pipeline = PushResiliencePipeline.Create(options, timeProvider, credential, e =>
        {
            progress?.AddRetry();
            log.Write(e.Level, $"Retrying after {StorageFaultClassifier.Describe(e.Fault)} (attempt {e.NextAttempt}{(e.IsCredentialRenewal ? ", SAS renewed" : $", waiting {Units.Duration(e.Delay)}")}).");
        });
    }

    public PushProgress? Progress { get; }

    public async Task RunAsync(string step, Func<CancellationToken, Task> action, CancellationToken cancellationToken, StrongBox<int>? retries = null, bool isBlockStaging = false) =>
        await RunAsync(step, async ct =>
        {
            await action(ct);
            return true;
        }, cancellationToken, retries, isBlockStaging);

    /// <param name="step">What the request does, for the failure message: "Pushing 'app.zip'".</param>
    /// <param name="action">The request; called once per attempt with that attempt's token.</param>
    /// <param name="cancellationToken">The caller's cancellation; it is never retried.</param>
    /// <param name="retries">A counter the retries of this request are also added to (e.g. per artifact).</param>
    /// <param name="isBlockStaging">Whether a 404 is a transient fault of block staging rather than a missing blob.</param>
    public async Task<T> RunAsync<T>(string step, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, StrongBox<int>? retries = null, bool isBlockStaging = false)
    {
        var attempts = new StrongBox<int>();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PushResiliencePipeline.IsBlockStaging, isBlockStaging);
        context.Properties.Set(PushResiliencePipeline.RetryCounter, attempts);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    if (Progress is not null)
                    {
                        await _credential.BeforeRequestAsync(Progress, ctx.CancellationToken);
                    }

                    ctx.Properties.Set(PushResiliencePipeline.CredentialGeneration, _credential.Generation);
                    return await state(ctx.CancellationToken);
                },
                context,
                action);
        }
        catch (Exception exception) when (exception is not ReleaseTargetsException && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var kind = StorageFaultClassifier.Classify(exception, isBlockStaging);
            var tries = attempts.Value + 1;
            throw new StorageRequestException(step, exception, kind, tries, PushErrors.Describe(step, exception, kind, tries, _options, _container, _timeProvider, anythingStaged: Progress is { DoneBytes: > 0 }));
        }
        finally
        {
            if (retries is not null)
            {
                Interlocked.Add(ref retries.Value, attempts.Value);
            }

            ResilienceContextPool.Shared.Return(context);
        }
    }
}
