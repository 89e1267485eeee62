using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Seal;

/// <summary>
/// Waits until every expected shard is recorded: looks, and while shards are missing waits 2 s, 4 s, 8 s … (at most 30 s,
/// never past the timeout) and looks again, printing a progress line before each wait. Stops at once when the survey shows
/// a problem waiting cannot fix. All time through the <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ShardWaiter(TimeProvider timeProvider, IReleaseLog log, TimeSpan timeout)
{
    public TimeSpan FirstDelay { get; init; } = SealConstants.FirstCheckDelay;

    public TimeSpan LongestDelay { get; init; } = SealConstants.LongestCheckDelay;

    /// <param name="version">The release, for the progress lines.</param>
    /// <param name="surveyAsync">One look at the shards; called once per check.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The last survey: complete, unable to complete, or (timed out) still missing shards.</returns>
    public async Task<ShardSurvey> WaitAsync(string version, Func<CancellationToken, Task<ShardSurvey>> surveyAsync, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        var delay = FirstDelay;
        while (true)
        {
            var survey = await surveyAsync(cancellationToken);
            if (survey.IsComplete || survey.CannotComplete)
            {
                return survey;
            }

            var left = timeout - timeProvider.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return survey;
            }

            var wait = delay < left ? delay : left;
            log.Information($"Waiting for the shards of release '{version}': {survey.Progress}. Next check in {Units.Duration(wait)}; giving up in {Units.Duration(left)} (--seal-timeout).");
            await Task.Delay(wait, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * SealConstants.BackoffFactor), LongestDelay.Ticks));
        }
    }
}
