using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ReleaseTargets.Tests.Resilience;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created with a finite due time (a retry's
/// <c>Task.Delay</c>), so a test advances fake time exactly when the code waits, and by exactly what it waits. Timers
/// due after <see cref="PerTryTimeout"/> (the per-try timeout's own) are not reported: a test fires those itself.
/// </summary>
internal sealed class DelayWatchingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _delays = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>The per-try timeout of the options under test; give it a value no retry delay has.</summary>
    public TimeSpan PerTryTimeout { get; init; } = TimeSpan.FromMinutes(17);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan && dueTime != PerTryTimeout)
        {
            _delays.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>The due time of the next timer the code creates (a wall-clock guard only fails a hung test).</summary>
    public async Task<TimeSpan> NextDelayAsync() => await _delays.Reader.ReadAsync().AsTask().WaitAsync(Guard);

    /// <summary>Whether a timer was created that nobody advanced for yet.</summary>
    public bool HasPendingDelay => _delays.Reader.TryPeek(out _);

    /// <summary>Advances fake time by each delay the code waits for, until <paramref name="run"/> ends; returns the delays.</summary>
    public async Task<List<TimeSpan>> DriveAsync(Task run)
    {
        var waited = new List<TimeSpan>();
        while (true)
        {
            var next = _delays.Reader.ReadAsync().AsTask();
            if (await Task.WhenAny(run, next).WaitAsync(Guard) == run && !next.IsCompleted)
            {
                return waited;
            }

            var delay = await next;
            waited.Add(delay);
            Advance(delay);
        }
    }
}
