using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Azure;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Resilience;

/// <summary>
/// The one runner and its pipeline on fake time: every wait is a timer of <see cref="DelayWatchingTimeProvider"/>, and
/// the test advances the clock by exactly what the code waits for; nothing sleeps.
/// </summary>
public sealed class RequestRunnerTests
{
    private readonly DelayWatchingTimeProvider _time = new();
    private readonly CapturingLog _log = new();

    private PushRetryOptions Options(int maxRetries = 3) => new()
    {
        MaxRetries = maxRetries,
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(8),
        RetryAfterCap = TimeSpan.FromSeconds(60),
        PerTryTimeout = _time.PerTryTimeout,
    };

    [Fact]
    public async Task Transient_fault_is_retried_MaxRetries_times_then_fails_with_the_one_exception_naming_step_and_attempts()
    {
        var runner = new RequestRunner(Options(maxRetries: 3), _time, NoRenewal.Instance, "releases", _log);
        var attempts = 0;

        var run = runner.RunAsync<bool>("Listing release '1.2.3'", _ =>
        {
            attempts++;
            throw new IOException("reset");
        }, CancellationToken.None);
        var waited = await _time.DriveAsync(run);

        var failure = await Assert.ThrowsAsync<RequestFailureException>(() => run);
        Assert.Equal(4, attempts);
        Assert.Equal(4, failure.Attempts);
        Assert.Equal(3, waited.Count);
        Assert.Equal("Listing release '1.2.3'", failure.Step);
        Assert.Equal(FaultKind.Transient, failure.Kind);
        Assert.IsType<IOException>(failure.Fault);
        Assert.StartsWith("Listing release '1.2.3' failed after 4 attempts: last error IOException. Next: storage kept failing transiently", failure.Message);
        Assert.Equal(3, _log.Lines.Count(l => l.Message.StartsWith("Retrying after IOException", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Retry_after_within_the_cap_is_waited_exactly_on_fake_time()
    {
        var runner = RegistryRunner(Options());
        var attempts = 0;

        var run = runner.RunAsync("Pushing 'team/app'", _ => ++attempts == 1
            ? throw Busy(TimeSpan.FromSeconds(7))
            : Task.FromResult("pushed"), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(7), await _time.NextDelayAsync());
        _time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, attempts);
        Assert.False(run.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("pushed", await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Retry_after_above_the_cap_is_not_waited_and_the_failure_names_the_wait()
    {
        var runner = RegistryRunner(Options());
        var attempts = 0;

        var run = runner.RunAsync<bool>("Pushing 'team/app'", _ =>
        {
            attempts++;
            throw Busy(TimeSpan.FromHours(1));
        }, CancellationToken.None);

        // A run that waits (instead of failing) creates a timer: that ends the test at once rather than hanging it.
        Assert.Same(run, await Task.WhenAny(run, _time.NextDelayAsync()));
        var failure = await Assert.ThrowsAsync<RequestFailureException>(() => run);
        Assert.Equal(1, attempts);
        Assert.Contains("last error 503", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the registry asked to wait", failure.Message, StringComparison.Ordinal);
        Assert.Contains("longer than RetryAfterCap", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_try_timeout_fires_on_fake_time_and_every_try_timing_out_advises_the_timeout()
    {
        var options = Options(maxRetries: 1);
        var runner = new RequestRunner(options, _time, NoRenewal.Instance, "releases", _log);
        var started = new SemaphoreSlim(0);
        var tokens = new List<CancellationToken>();

        var run = runner.RunAsync<bool>("Pushing 'app.zip'", async ct =>
        {
            tokens.Add(ct);
            started.Release();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return true;
        }, CancellationToken.None);

        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
        _time.Advance(options.PerTryTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(tokens[0].IsCancellationRequested);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(tokens[0].IsCancellationRequested);

        _time.Advance(await _time.NextDelayAsync());
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
        _time.Advance(options.PerTryTimeout);

        var failure = await Assert.ThrowsAsync<RequestFailureException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, failure.Attempts);
        Assert.Equal(FaultKind.Transient, failure.Kind);
        Assert.Contains("last error per-try timeout", failure.Message, StringComparison.Ordinal);
        Assert.Contains("every try ran past --per-try-timeout", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_credential_is_renewed_for_the_generation_that_failed_and_the_request_retried_without_waiting()
    {
        var credential = new CountingCredential();
        var runner = new RequestRunner(Options(), _time, credential, "releases", _log);
        var attempts = 0;

        var result = await runner.RunAsync("Pushing 'app.zip'", _ => ++attempts == 1
            ? throw new RequestFailedException(403, "expired", "AuthenticationFailed", null)
            : Task.FromResult(42), CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(2, attempts);
        Assert.Equal([0L], credential.RenewedGenerations);
        Assert.False(_time.HasPendingDelay);
        Assert.Contains(_log.Lines, l => l.Message.Contains("SAS renewed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rejected_credential_is_renewed_once_and_the_same_answer_with_a_fresh_one_fails()
    {
        var credential = new CountingCredential();
        var runner = new RequestRunner(Options(), _time, credential, "releases", _log);
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<RequestFailureException>(() => runner.RunAsync<bool>("Pushing 'app.zip'", _ =>
        {
            attempts++;
            throw new RequestFailedException(403, "denied", "AuthorizationFailure", null);
        }, CancellationToken.None));

        Assert.Equal(2, attempts);
        Assert.Equal(1, credential.Renewals);
        Assert.Equal(FaultKind.CredentialRejected, failure.Kind);
        Assert.True(failure.StopsThePush);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried_nor_translated()
    {
        var runner = new RequestRunner(Options(), _time, NoRenewal.Instance, "releases", _log);
        using var caller = new CancellationTokenSource();
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync<bool>("Pushing 'app.zip'", ct =>
        {
            attempts++;
            caller.Cancel();
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(true);
        }, caller.Token));

        Assert.Equal(1, attempts);
        Assert.False(_time.HasPendingDelay);
    }

    [Fact]
    public async Task Retries_of_a_request_are_added_to_the_callers_counter()
    {
        var runner = new RequestRunner(Options(), _time, NoRenewal.Instance, "releases", _log);
        var retries = new StrongBox<int>(5);
        var attempts = 0;

        var run = runner.RunAsync("Pushing 'app.zip'", _ => ++attempts <= 2
            ? throw new RequestFailedException(503, "busy", "ServerBusy", null)
            : Task.FromResult(true), CancellationToken.None, retries);
        await _time.DriveAsync(run);

        Assert.True(await run);
        Assert.Equal(3, attempts);
        Assert.Equal(7, retries.Value);
    }

    [Fact]
    public async Task Registry_error_answers_are_translated_though_they_are_release_exceptions()
    {
        var runner = RegistryRunner(Options(maxRetries: 0));

        var failure = await Assert.ThrowsAsync<RequestFailureException>(() => runner.RunAsync<bool>("Tagging 'team/app:1.0'", _ =>
            throw new RegistryRequestException("PUT", "/v2/team/app/manifests/1.0", 403, "DENIED", null, null), CancellationToken.None));

        Assert.Equal(FaultKind.CredentialRejected, failure.Kind);
        Assert.StartsWith("Tagging 'team/app:1.0' failed after 1 attempt: last error 403 DENIED. Next: the registry denied access to 'team/app'", failure.Message);
    }

    private RequestRunner RegistryRunner(PushRetryOptions options) =>
        new(options, _time, NoRenewal.Instance, "team/app", _log, progress: null, RegistryFaultClassifier.Instance);

    private static RegistryRequestException Busy(TimeSpan retryAfter) =>
        new("PATCH", "/v2/team/app/blobs/uploads/1", 503, errorCode: null, challenge: null, new RetryConditionHeaderValue(retryAfter));

    private sealed class CountingCredential : IPushCredential
    {
        public List<long> RenewedGenerations { get; } = [];

        public long Generation { get; private set; }

        public int Renewals => RenewedGenerations.Count;

        public ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default) => default;

        public ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default)
        {
            RenewedGenerations.Add(rejectedGeneration);
            Generation++;
            return default;
        }
    }
}
