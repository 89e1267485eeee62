using System.Runtime.CompilerServices;
using Polly;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push;

namespace ReleaseTargets.Registry;

/// <summary>
/// The one way a registry request is made: through the same Polly pipeline as storage requests
/// (<see cref="PushResiliencePipeline"/>: credential renewal → transient retry → per-try timeout) with the registry's
/// classifier, the token renewed ahead of expiry before every attempt, and a failure that ends as a
/// <see cref="RegistryRequestFailedException"/> naming the step, the attempts and what to do.
/// </summary>
public sealed class RegistryRequestRunner
{
    private readonly ResiliencePipeline _pipeline;
    private readonly RegistryAuthenticator _authenticator;
    private readonly PushRetryOptions _options;
    private readonly string _repository;
    private readonly TimeProvider _timeProvider;
    private readonly PushProgress? _progress;

    public RegistryRequestRunner(PushRetryOptions options, TimeProvider timeProvider, RegistryAuthenticator authenticator, string repository, IReleaseLog log, PushProgress? progress = null)
    {
        _options = options;
        _authenticator = authenticator;
        _repository = repository;
        _timeProvider = timeProvider;
        _progress = progress;
        _pipeline = PushResiliencePipeline.Create(
            options,
            timeProvider,
            authenticator,
            e =>
            {
                progress?.AddRetry();
                log.Write(e.Level, $"Retrying after {RegistryFaultClassifier.Describe(e.Fault)} (attempt {e.NextAttempt}{(e.IsCredentialRenewal ? ", re-authenticated" : $", waiting {Units.Duration(e.Delay)}")}).");
            },
            RegistryFaultClassifier.Classification);
    }

    /// <param name="step">What the request does, for the failure message.</param>
    /// <param name="action">The request; called once per attempt with that attempt's token.</param>
    /// <param name="cancellationToken">The caller's cancellation; never retried.</param>
    /// <param name="retries">A counter the retries are also added to (per image).</param>
    /// <param name="isUpload">Whether the request belongs to a blob upload (a 404 is then transient).</param>
    public async Task<T> RunAsync<T>(string step, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken, StrongBox<int>? retries = null, bool isUpload = false)
    {
        var attempts = new StrongBox<int>();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PushResiliencePipeline.IsBlockStaging, isUpload);
        context.Properties.Set(PushResiliencePipeline.RetryCounter, attempts);
        try
        {
            return await _pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    if (_progress is not null)
                    {
                        await _authenticator.BeforeRequestAsync(_progress, ctx.CancellationToken);
                    }

                    ctx.Properties.Set(PushResiliencePipeline.CredentialGeneration, _authenticator.Generation);
                    return await state(ctx.CancellationToken);
                },
                context,
                action);
        }
        catch (Exception exception) when ((exception is not ReleaseTargetsException || exception is RegistryRequestException) && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var kind = RegistryFaultClassifier.Classify(exception, isUpload);
            var tries = attempts.Value + 1;
            throw new RegistryRequestFailedException(step, exception, kind, tries, RegistryErrors.Describe(step, exception, kind, tries, _options, _repository, _timeProvider));
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

    public async Task RunAsync(string step, Func<CancellationToken, Task> action, CancellationToken cancellationToken, StrongBox<int>? retries = null, bool isUpload = false) =>
        await RunAsync(step, async ct =>
        {
            await action(ct);
            return true;
        }, cancellationToken, retries, isUpload);
}
