using System.Globalization;
using System.Text;
using ReleaseTargets.Credentials;
using ReleaseTargets.Stages;
using Xunit.Abstractions;

namespace ReleaseTargets.Tests.Stages;

/// <summary>
/// Replays generated push histories run by run: each run is forecast from the runs before it (as RefreshCredentials does,
/// through a <see cref="StageHistory"/> keeping the default 20), gets the SAS window the policy chooses, and is compared with
/// its actual duration; a run the first SAS does not cover is pushed again in simulation, checking every 5 s with
/// <see cref="PushForecaster.ForecastRemaining"/> and <see cref="SasLifetimePolicy.ShouldRenew"/>, and must finish without
/// the SAS lapsing. Failed runs are recorded (and ignored by the forecast) but not scored: their duration is not the work.
/// Run with <c>--logger "console;verbosity=detailed"</c> to see the table.
/// </summary>
public sealed class PushForecastReplayTests(ITestOutputHelper output)
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const long GiB = 1024 * MiB;
    private const long BlockBytes = 8 * MiB;
    private static readonly DateTimeOffset Origin = new(2026, 10, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinimumWindow = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(15);

    private readonly ForecastOptions _options = new();
    private readonly SasLifetimePolicy _policy = new(new SasLifetimeOptions(), new ForecastOptions());

    [Fact]
    public void Replay_GeneratedHistories_MeetTheIssueTargets()
    {
        var results = Scenarios().Select(s => Replay(s.Name, s.Runs)).ToList();
        var all = new ScenarioResult("all", results.SelectMany(r => r.Runs).ToList());
        output.WriteLine(Table([.. results, all]));

        // Coverage: ≥ 95 % of runs covered by the first SAS; every other run completed by in-place renewal.
        Assert.True(all.Coverage >= 0.95, $"coverage {all.Coverage:P1}");
        Assert.All(all.Runs, r => Assert.False(r.Lapsed, $"{r.Scenario} run {r.Index}: the SAS lapsed despite renewal"));

        // Tightness: for pushes longer than the minimum window, median validity ≤ 1.5 × actual + 15 min.
        Assert.True(all.TightnessMedian <= 1, $"tightness {all.TightnessMedian:0.000}");

        // Never above the cold start for the same bytes unless comparable pushes were measured that slow.
        Assert.All(all.Runs, r => Assert.False(r.AboveColdStartUnmeasured, $"{r.Scenario} run {r.Index} forecast above cold start"));

        // A push of seconds after tiny pushes gets the minimum window.
        var afterTiny = results.Single(r => r.Name == "tiny-then-huge").Runs.Where(r => r.Bytes == 300 * MiB).ToList();
        Assert.Equal(10, afterTiny.Count);
        Assert.All(afterTiny, r => Assert.Equal(MinimumWindow, r.Validity));
    }

    [Fact]
    public void Replay_EachScenario_CompletesEveryRunAndStaysNearTheTargets()
    {
        foreach (var (name, runs) in Scenarios())
        {
            var result = Replay(name, runs);
            Assert.All(result.Runs, r => Assert.False(r.Lapsed, $"{name} run {r.Index} lapsed"));
            Assert.True(result.Coverage >= 0.9, $"{name}: coverage {result.Coverage:P1}");
        }
    }

    private ScenarioResult Replay(string name, IReadOnlyList<GeneratedRun> runs)
    {
        var history = new StageHistory();
        var scored = new List<ReplayedRun>();
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var startedAt = Origin + (TimeSpan.FromHours(6) * i);
            var before = history.For(ReleaseStages.Push);
            var forecast = PushForecaster.Forecast(before, run.Bytes, _options);
            var window = _policy.Choose(startedAt, forecast);
            history.Add(new StageRecord(
                ReleaseStages.Push, startedAt, run.Duration, run.Succeeded ? StageOutcome.Succeeded : StageOutcome.Failed,
                run.Succeeded ? run.Bytes : null, run.Succeeded ? 1 : null, forecast.Estimate));
            if (!run.Succeeded)
            {
                continue;
            }

            var covered = window.ExpiresOn >= startedAt + run.Duration + Skew;
            var (renewals, lapsed) = covered ? (0, false) : SimulateRenewal(startedAt, run, forecast, window);
            var coldStart = TimeSpan.FromTicks(PushForecaster.ColdStartTicks(run.Bytes, _options));
            var aboveColdStart = forecast.Estimate > RoundUp(coldStart)
                && !before.Any(r => r.Outcome == StageOutcome.Succeeded && r.Bytes is { } b
                    && PushForecaster.IsComparable(b, run.Bytes, _options.ComparableSizeRatio)
                    && RoundUp(r.Duration * Math.Max(1, run.Bytes / (double)b)) >= forecast.Estimate);
            scored.Add(new ReplayedRun(name, i, run.Bytes, run.Duration, forecast.Estimate, window.ExpiresOn - startedAt, covered, renewals, lapsed, aboveColdStart));
        }

        return new ScenarioResult(name, scored);
    }

    // The push as the renewal logic sees it: fixed overhead first, then whole blocks at a steady rate.
    private (int Renewals, bool Lapsed) SimulateRenewal(DateTimeOffset startedAt, GeneratedRun run, PushForecast forecast, SasWindow window)
    {
        var renewals = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < run.Duration; elapsed += Tick)
        {
            var now = startedAt + elapsed;
            if (now > window.ExpiresOn - window.SkewMargin)
            {
                return (renewals, true);
            }

            var byteTime = run.Duration - run.Overhead;
            var fraction = elapsed <= run.Overhead ? 0 : Math.Min(1, (elapsed - run.Overhead) / byteTime);
            var transferred = Math.Min(run.Bytes, (long)(run.Bytes * fraction) / BlockBytes * BlockBytes);
            var remaining = PushForecaster.ForecastRemaining(forecast, run.Bytes, run.Bytes - transferred, transferred, elapsed, _options);
            if (_policy.ShouldRenew(now, window, remaining))
            {
                window = _policy.Choose(now, forecast.ForRemaining(remaining));
                renewals++;
            }
        }

        return (renewals, startedAt + run.Duration > window.ExpiresOn - window.SkewMargin);
    }

    private static TimeSpan RoundUp(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));

    private static IEnumerable<(string Name, IReadOnlyList<GeneratedRun> Runs)> Scenarios()
    {
        // Each scenario has its own seed, so adding one never changes another.
        var random = new Random(11);
        yield return ("steady sizes", Enumerable.Range(0, 40).Select(_ => Push(random, 6 * GiB, 3 * MiB)).ToList());

        random = new Random(12);
        yield return ("growing payloads", Enumerable.Range(0, 40).Select(i => Push(random, (long)(400 * MiB * Math.Pow(1.08, i)), 2 * MiB)).ToList());

        random = new Random(13);
        yield return ("tiny-then-huge", Enumerable.Range(0, 10).Select(i => Tiny(random, 16 + (i * 5)))
            .Concat(Enumerable.Range(0, 10).Select(_ => Push(random, 300 * MiB, 150 * MiB)))
            .Concat(Enumerable.Range(0, 10).Select(_ => Push(random, 20 * GiB, 8 * MiB)))
            .ToList());

        random = new Random(14);
        yield return ("one 10x slow outlier", Enumerable.Range(0, 40).Select(i => Push(random, 4 * GiB, i == 20 ? 0.2 * MiB : 2 * MiB)).ToList());

        random = new Random(15);
        yield return ("failed runs mixed in", Enumerable.Range(0, 40).Select(_ =>
        {
            var run = Push(random, 5 * GiB, 2.5 * MiB);
            return random.NextDouble() < 0.25 ? run with { Succeeded = false, Duration = run.Duration * (0.05 + (0.9 * random.NextDouble())) } : run;
        }).ToList());

        random = new Random(16);
        yield return ("3x throughput drop", Enumerable.Range(0, 40).Select(i => Push(random, 10 * GiB, i < 20 ? 6 * MiB : 2 * MiB)).ToList());

        random = new Random(17);
        double[] agents = [5 * MiB, 4 * MiB, 3 * MiB];
        yield return ("3 CI agents (5/4/3 MiB/s)", Enumerable.Range(0, 40).Select(_ => Push(random, 8 * GiB, agents[random.Next(agents.Length)])).ToList());
    }

    // Overhead 2–4 s (listing, claim, commit, manifest); the byte time varies ±12 % (log-normal) around the agent's rate.
    private static GeneratedRun Push(Random random, long bytes, double bytesPerSecond)
    {
        var overhead = TimeSpan.FromSeconds(2 + (2 * random.NextDouble()));
        var noise = Math.Exp(0.12 * Gaussian(random));
        var duration = overhead + TimeSpan.FromSeconds(Math.Round(bytes / bytesPerSecond * noise, 1));
        return new GeneratedRun(bytes, duration, overhead, Succeeded: true);
    }

    private static GeneratedRun Tiny(Random random, long bytes)
    {
        var duration = TimeSpan.FromSeconds(Math.Round(0.1 + (0.2 * random.NextDouble()), 2));
        return new GeneratedRun(bytes, duration, duration, Succeeded: true);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Table(IEnumerable<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Runs scored | First SAS covers | Renewed in place (lapsed) | Pushes > 30 min | Tightness median | Median validity ÷ actual | Above cold start unmeasured |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Runs.Count} | {r.Coverage:P1} | {r.Runs.Count(x => !x.Covered)} ({r.Runs.Count(x => x.Lapsed)}) | {r.Long.Count} | {(r.Long.Count == 0 ? "–" : r.TightnessMedian.ToString("0.00", CultureInfo.InvariantCulture))} | {(r.Long.Count == 0 ? "–" : Median(r.Long.Select(x => x.Validity / x.Actual)).ToString("0.00", CultureInfo.InvariantCulture))} | {r.Runs.Count(x => x.AboveColdStartUnmeasured)} |"));
        }

        text.AppendLine("Tightness = validity after minting ÷ (1.5 × actual + 15 min), over pushes longer than the 30-minute minimum window; target ≤ 1.");
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record GeneratedRun(long Bytes, TimeSpan Duration, TimeSpan Overhead, bool Succeeded);

    private sealed record ReplayedRun(
        string Scenario, int Index, long Bytes, TimeSpan Actual, TimeSpan Estimate, TimeSpan Validity, bool Covered, int Renewals, bool Lapsed, bool AboveColdStartUnmeasured);

    private sealed record ScenarioResult(string Name, IReadOnlyList<ReplayedRun> Runs)
    {
        public double Coverage => Runs.Count(r => r.Covered) / (double)Runs.Count;

        public IReadOnlyList<ReplayedRun> Long => Runs.Where(r => r.Actual > MinimumWindow).ToList();

        public double TightnessMedian => Median(Long.Select(r => r.Validity / ((1.5 * r.Actual) + Skew)));
    }
}
