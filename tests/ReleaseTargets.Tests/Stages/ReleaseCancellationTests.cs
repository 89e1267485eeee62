using System.Runtime.InteropServices;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Stages;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Stages;

/// <summary>
/// The signal handler is raised through its test hook (<c>OnSignal</c>): a real SIGINT to the test host would stop it.
/// The real signals are covered end to end by <c>EndToEnd.CancellationTests</c>.
/// </summary>
public sealed class ReleaseCancellationTests
{
    private readonly CapturingLog _log = new();
    private readonly List<int> _exits = [];

    [Fact]
    public void Token_NoSignal_IsNotCancelled()
    {
        using var cancellation = Create();

        Assert.False(cancellation.Token.IsCancellationRequested);
        Assert.Null(cancellation.Signal);
        Assert.Empty(_log.Lines);
    }

    [Theory]
    [InlineData(PosixSignal.SIGINT, "SIGINT")]
    [InlineData(PosixSignal.SIGTERM, "SIGTERM")]
    public void OnSignal_First_CancelsTheTokenKeepsTheProcessAndSaysARerunResumes(PosixSignal signal, string name)
    {
        using var cancellation = Create();

        var cancelDefaultTermination = cancellation.OnSignal(signal);

        Assert.True(cancelDefaultTermination);
        Assert.True(cancellation.Token.IsCancellationRequested);
        Assert.Equal(name, cancellation.Signal);
        Assert.Empty(_exits);
        var line = Assert.Single(_log.Lines);
        Assert.Equal(ReleaseLogLevel.Warning, line.Level);
        Assert.Equal(
            $"Cancelling the release ({name}): in-flight requests are being cancelled; staged blocks are kept and a re-run resumes. Send {name} again to stop at once.",
            line.Message);
    }

    [Theory]
    [InlineData(PosixSignal.SIGINT, 130)]
    [InlineData(PosixSignal.SIGTERM, 143)]
    public void OnSignal_Second_ExitsAtOnceWithTheSignalsCodeAndWritesNothingMore(PosixSignal signal, int exitCode)
    {
        using var cancellation = Create();
        cancellation.OnSignal(signal);

        var cancelDefaultTermination = cancellation.OnSignal(signal);

        Assert.False(cancelDefaultTermination);
        Assert.Equal([exitCode], _exits);
        Assert.Single(_log.Lines);
    }

    [Fact]
    public void OnSignal_CallbackOnTheTokenThrows_TokenIsStillCancelledAndLaterCallbacksRun()
    {
        using var cancellation = Create();
        var later = false;
        cancellation.Token.Register(() => later = true);
        cancellation.Token.Register(() => throw new InvalidOperationException("request abort failed"));

        Assert.True(cancellation.OnSignal(PosixSignal.SIGINT));

        Assert.True(cancellation.Token.IsCancellationRequested);
        Assert.True(later);
    }

    [Fact]
    public async Task RunAsync_StepCancelledBySignal_FailsWithOneActionableMessage()
    {
        using var cancellation = Create();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = cancellation.RunAsync("RefreshCredentials", async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        });
        await started.Task;

        cancellation.OnSignal(PosixSignal.SIGTERM);

        var failure = await Assert.ThrowsAsync<ReleaseTargetsException>(() => run);
        Assert.Equal(
            "RefreshCredentials was cancelled (SIGTERM); nothing was published. Re-run the release to continue: a push resumes from the blocks already staged.",
            failure.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.InnerException);
    }

    [Fact]
    public async Task RunAsync_StepFailsWithItsOwnReport_PassesItThroughUnchanged()
    {
        using var cancellation = Create();
        var own = new ReleaseTargetsException("Push of release '1.0.0' was cancelled after sending 3.0 MiB; re-run the push to resume.");
        cancellation.OnSignal(PosixSignal.SIGINT);

        var failure = await Assert.ThrowsAsync<ReleaseTargetsException>(() => cancellation.RunAsync("Push", _ => throw own));

        Assert.Same(own, failure);
    }

    [Fact]
    public async Task RunAsync_CancellationNotFromASignal_IsNotReportedAsOne()
    {
        using var cancellation = Create();
        using var other = new CancellationTokenSource();
        await other.CancelAsync();

        await Assert.ThrowsAsync<TaskCanceledException>(() => cancellation.RunAsync("Push", _ => Task.Delay(Timeout.InfiniteTimeSpan, other.Token)));
    }

    [Fact]
    public async Task RunAsync_PassesItsTokenToTheStep()
    {
        using var cancellation = Create();
        CancellationToken seen = default;

        await cancellation.RunAsync("Push", ct =>
        {
            seen = ct;
            return Task.CompletedTask;
        });

        Assert.Equal(cancellation.Token, seen);
    }

    private ReleaseCancellation Create() => new(_log, _exits.Add);
}
