using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Tests.Push;

/// <summary>The silence rule on fake time: only time without progress counts.</summary>
public sealed class ResponseWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Watch_SilenceForTheWholeTimeout_CancelsAndNamesIt()
    {
        var time = new FakeTimeProvider();
        using var watch = new ResponseWatch(Timeout, time, CancellationToken.None);

        time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(watch.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(watch.Token.IsCancellationRequested);
        var failure = watch.Failure("store:443", new TaskCanceledException());
        Assert.NotNull(failure);
        Assert.Equal(Timeout, failure.Timeout);
    }

    [Fact]
    public void Watch_SlowButSteadyUpload_IsNeverCutOff()
    {
        var time = new FakeTimeProvider();
        using var watch = new ResponseWatch(Timeout, time, CancellationToken.None);

        // Ten minutes of a slow upload: a write completes every 20 s.
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            watch.Progress();
        }

        Assert.False(watch.Token.IsCancellationRequested);
        time.Advance(Timeout);
        Assert.True(watch.Token.IsCancellationRequested);
    }

    [Fact]
    public void Watch_Answered_StopsWatching()
    {
        var time = new FakeTimeProvider();
        using var watch = new ResponseWatch(Timeout, time, CancellationToken.None);

        watch.Answered();
        time.Advance(TimeSpan.FromHours(1));

        Assert.False(watch.Token.IsCancellationRequested);
    }

    [Fact]
    public void Watch_CallerCancels_IsNotSilence()
    {
        var time = new FakeTimeProvider();
        using var caller = new CancellationTokenSource();
        using var watch = new ResponseWatch(Timeout, time, caller.Token);

        caller.Cancel();

        Assert.True(watch.Token.IsCancellationRequested);
        Assert.Null(watch.Failure("store:443", new TaskCanceledException()));
    }
}
