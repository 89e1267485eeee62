using ReleaseTargets.Steps;

namespace ReleaseTargets.Tests.Steps;

/// <summary>A step's result is produced once and shared; a failed attempt is not kept (an engine may run a stage again).</summary>
public sealed class OnceTests
{
    [Fact]
    public async Task GetAsync_CalledTwiceAndConcurrently_ProducesOnce()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        var once = new Once<int>(async _ =>
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return 42;
        });

        var first = once.GetAsync(CancellationToken.None);
        var second = once.GetAsync(CancellationToken.None);
        Assert.False(once.TryGet(out _));
        release.SetResult();

        var both = await Task.WhenAll(first, second);
        Assert.Equal(new[] { 42, 42 }, both);
        Assert.Equal(42, await once.GetAsync(CancellationToken.None));
        Assert.True(once.TryGet(out var value));
        Assert.Equal(42, value);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetAsync_AfterAFailure_TriesAgain()
    {
        var calls = 0;
        var once = new Once<string>(async _ =>
        {
            await Task.Yield();
            return ++calls == 1 ? throw new InvalidOperationException("first attempt fails") : "second";
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => once.GetAsync(CancellationToken.None));
        Assert.False(once.TryGet(out _));

        Assert.Equal("second", await once.GetAsync(CancellationToken.None));
        Assert.Equal(2, calls);
    }
}
