namespace ReleaseTargets.Stages;

/// <summary>
/// Times the stages of one run and records each into the <see cref="StageHistory"/> it was given.
/// Thread-safe.
/// </summary>
internal sealed class StageClock
{
    private readonly List<StageRecord> _currentRun = [];
    private readonly Lock _gate = new();

    public StageClock(TimeProvider timeProvider, StageHistory history)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(history);
        TimeProvider = timeProvider;
        History = history;
    }

    public StageHistory History { get; }

    /// <summary>The stages recorded by this clock, in the order they ended, so the build can print their durations.</summary>
    public IReadOnlyList<StageRecord> CurrentRun
    {
        get
        {
            lock (_gate)
            {
                return _currentRun.ToArray();
            }
        }
    }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// Starts timing <paramref name="stage"/>. End it with <see cref="StageScope.Complete"/> or
    /// <see cref="StageScope.Fail"/>; disposing it without either records a failure.
    /// </summary>
    /// <param name="stage">The stage name.</param>
    /// <param name="forecast">What the stage is forecast to take, recorded next to its actual duration.</param>
    public StageScope Begin(string stage, TimeSpan? forecast = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        return new StageScope(this, stage, TimeProvider.GetUtcNow(), TimeProvider.GetTimestamp(), forecast);
    }

    internal void Record(StageRecord record)
    {
        History.Add(record);
        lock (_gate)
        {
            _currentRun.Add(record);
        }
    }
}
