namespace ReleaseTargets.Stages;

/// <summary>One measured run of one stage.</summary>
/// <param name="Stage">The stage name, e.g. <see cref="ReleaseStages.Push"/>.</param>
/// <param name="StartedAt">When the stage began (wall clock, from the run's <see cref="TimeProvider"/>).</param>
/// <param name="Duration">How long it ran (monotonic clock).</param>
/// <param name="Outcome">Whether it succeeded.</param>
/// <param name="Bytes">For Push: the bytes sent; <see langword="null"/> when unknown or not applicable.</param>
/// <param name="Files">For Push: the files sent; <see langword="null"/> when unknown or not applicable.</param>
/// <param name="Forecast">For Push: the forecast estimate (before the safety factor) the run's SAS was sized to, recorded
/// next to <paramref name="Duration"/> so every forecast can be checked against what happened; <see langword="null"/> when
/// none was made.</param>
internal sealed record StageRecord(
    string Stage,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    StageOutcome Outcome,
    long? Bytes = null,
    int? Files = null,
    TimeSpan? Forecast = null);
