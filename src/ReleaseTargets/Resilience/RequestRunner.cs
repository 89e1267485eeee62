using System.Runtime.CompilerServices;
using Polly;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Resilience;

/// <summary>
/// The one way a request is made, storage (data or control) or registry: through the one Polly pipeline (credential
/// renewal → transient retry → per-try timeout) with the endpoint's <see cref="IFaultClassifier"/>, with proactive
/// credential renewal before every attempt, every retry counted in one total, and a failure that ends as a
/// <see cref="RequestFailureException"/> naming the step, the attempts and what to do.
/// </summary>
internal sealed class RequestRunner
{
    private readonly ResiliencePipeline _pipeline;
    private readonly IPushCredential _credential;
    private readonly PushRetryOptions _options;
    private readonly string _target;
    private readonly TimeProvider _timeProvider;
    private readonly IFaultClassifier _classifier;

    /// <param name="target">The container or repository, for the failure message.</param>
    /// <param name="progress">Live progress for proactive renewal and the progress line's retry count; null outside a push.</param>
    /// <param name="classifier">The endpoint's classifier; storage when null.</param>
    public RequestRunner(PushRetryOptions options, TimeProvider timeProvider, IPushCredential credential, string target, IReleaseLog log, PushProgress? progress = null, IFaultClassifier? classifier = null)
    {
        _options = options;
        _credential = credential;
        _target = target;
        _timeProvider = timeProvider;
        _classifier = classifier ?? StorageFaultClassifier.Instance;
        Progress = progress;
        var renewed = _classifier.Wording.Renewed;
        _pipeline = PushResiliencePipeline.Create(options, timeProvider, credential, e =>
        {
            progress?.AddRetry();
            log.Write(e.Level, $"Retrying after {_classifier.Describe(e.Fault)} (attempt {e.NextAttempt}{(e.IsCredentialRenewal ? ", " + renewed : $", waiting {Units.Duration(e.Delay)}")}).");
        }, _classifier);
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
    /// <param name="retries">A counter the retries of this request are also added to (e.g. per artifact or image).</param>
    /// <param name="isBlockStaging">Whether a 404 is a transient fault of a data upload rather than a missing blob.</param>
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
        catch (Exception exception) when (_classifier.IsRequestFault(exception) && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var kind = _classifier.Classify(exception, isBlockStaging);
            var tries = attempts.Value + 1;
            var message = RequestErrors.Describe(_classifier, step, exception, kind, tries, _options, _target, _timeProvider, anythingStaged: Progress is { DoneBytes: > 0 });
            throw new RequestFailureException(step, exception, kind, tries, message, _classifier);
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
