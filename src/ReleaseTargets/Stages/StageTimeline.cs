using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Stages;

/// <summary>
/// The timing side of a run: the history its forecasts read (local, merged with the shared copy once storage is reached),
/// the clock that records each stage, the Build stage that stays open until RefreshCredentials, and the end of the run
/// (durations printed, history saved locally and shared).
/// </summary>
internal sealed class StageTimeline
{
    private readonly StageHistory _history;
    private readonly StageClock _clock;
    private readonly string _historyPath;
    private readonly IReleaseLog _log;
    private readonly List<BlobStageHistoryStore> _shared = [];
    private StageScope? _build;

    public StageTimeline(string historyPath, int historyLength, TimeProvider timeProvider, IReleaseLog log)
    {
        _historyPath = historyPath;
        _log = log;
        _history = StageHistory.Load(historyPath, historyLength, log);
        _clock = new StageClock(timeProvider, _history);
    }

    public IReadOnlyList<StageRecord> CurrentRun => _clock.CurrentRun;

    /// <summary>The durations recorded so far, in seconds, for the reports.</summary>
    public IReadOnlyDictionary<string, double> StageSeconds() =>
        _clock.CurrentRun.ToDictionary(r => r.Stage, r => Math.Round(r.Duration.TotalSeconds, 3));

    public IReadOnlyList<StageRecord> HistoryOf(string stage) => _history.For(stage);

    /// <summary>Starts timing the Build stage (idempotent).</summary>
    public void BeginBuild() => _build ??= _clock.Begin(ReleaseStages.Build);

    /// <summary>Starts <paramref name="stage"/>; an open Build stage ends (successfully) first.</summary>
    public StageScope Begin(string stage, TimeSpan? forecast = null)
    {
        EndBuild(succeeded: true);
        return _clock.Begin(stage, forecast);
    }

    /// <summary>Shares the history through the account from now on; its records are merged in at once.</summary>
    public async Task ShareAsync(BlobStageHistoryStore store, CancellationToken cancellationToken)
    {
        _shared.Add(store);
        if (await store.LoadAsync(cancellationToken) is { } shared)
        {
            _history.Merge(shared);
        }
    }

    /// <summary>Ends the run: closes an open Build stage, prints every stage's duration, saves the history locally and shared.</summary>
    public async Task CompleteAsync(bool succeeded)
    {
        EndBuild(succeeded);
        foreach (var record in _clock.CurrentRun)
        {
            var forecast = record.Forecast is { } f ? $", forecast {Units.Duration(f)}" : string.Empty;
            _log.Information($"Stage {record.Stage}: {Units.Duration(record.Duration)} ({record.Outcome}{forecast})");
        }

        try
        {
            _history.Save(_historyPath);
        }
        catch (ReleaseTargetsException exception)
        {
            _log.Warning($"{exception.Message} The next forecast will not include this run.");
        }

        foreach (var store in _shared)
        {
            await store.SaveAsync(_history);
        }
    }

    private void EndBuild(bool succeeded)
    {
        if (_build is null)
        {
            return;
        }

        if (succeeded)
        {
            _build.Complete();
        }
        else
        {
            _build.Fail();
        }

        _build = null;
    }
}
