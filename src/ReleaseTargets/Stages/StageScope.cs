namespace ReleaseTargets.Stages;

/// <summary>
/// One stage being timed. Records exactly once: on <see cref="Complete"/>, on <see cref="Fail"/>, or, when neither
/// was called, as failed on <see cref="Dispose"/> (an exception escaped the stage).
/// </summary>
internal sealed class StageScope : IDisposable
{
    private readonly StageClock _clock;
    private readonly long _startTimestamp;
    private readonly TimeSpan? _forecast;
    private StageRecord? _record;

    internal StageScope(StageClock clock, string stage, DateTimeOffset startedAt, long startTimestamp, TimeSpan? forecast = null)
    {
        _forecast = forecast;
        _clock = clock;
        Stage = stage;
        StartedAt = startedAt;
        _startTimestamp = startTimestamp;
    }

    public string Stage { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Time since the stage began, from the monotonic clock.</summary>
    public TimeSpan Elapsed => _clock.TimeProvider.GetElapsedTime(_startTimestamp);

    /// <summary>The record, once the stage has ended.</summary>
    public StageRecord? Record => Volatile.Read(ref _record);

    /// <summary>Records the stage as succeeded, with the bytes and files pushed when it is the Push stage.</summary>
    /// <exception cref="InvalidOperationException">The stage was already recorded.</exception>
    public StageRecord Complete(long? bytes = null, int? files = null)
    {
        if (bytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "Bytes must not be negative.");
        }

        if (files < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(files), files, "Files must not be negative.");
        }

        return End(StageOutcome.Succeeded, bytes, files)
            ?? throw new InvalidOperationException($"Stage '{Stage}' was already recorded as {_record!.Outcome}.");
    }

    /// <summary>Records the stage as failed.</summary>
    /// <exception cref="InvalidOperationException">The stage was already recorded.</exception>
    public StageRecord Fail() =>
        End(StageOutcome.Failed, bytes: null, files: null)
        ?? throw new InvalidOperationException($"Stage '{Stage}' was already recorded as {_record!.Outcome}.");

    public void Dispose() => End(StageOutcome.Failed, bytes: null, files: null);

    private StageRecord? End(StageOutcome outcome, long? bytes, int? files)
    {
        var record = new StageRecord(Stage, StartedAt, Elapsed, outcome, bytes, files, _forecast);
        if (Interlocked.CompareExchange(ref _record, record, null) is not null)
        {
            return null;
        }

        _clock.Record(record);
        return record;
    }
}
