using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Credentials;
using ReleaseTargets.Stages;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Credentials;

public sealed class RenewableSasCredentialTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    // 400 MiB forecast at 60 s; really a slow push: every 8 MiB block times out twice (100 s per try), then takes 20 s.
    [Fact]
    public async Task BeforeRequest_SlowPushWithTimeouts_RenewsTwice()
    {
        var run = new SlowPush(total: 400 * MiB, forecastEstimate: TimeSpan.FromSeconds(60));

        for (var block = 0; block < 50; block++)
        {
            await run.AttemptAsync(TimeSpan.FromSeconds(100), bytes: 0);
            await run.AttemptAsync(TimeSpan.FromSeconds(100), bytes: 0);
            await run.AttemptAsync(TimeSpan.FromSeconds(20), bytes: 8 * MiB);
        }

        Assert.Equal(150, run.Attempts);
        Assert.Equal(0, run.Lapses);
        Assert.Equal(2, run.Credential.Renewals);
    }

    [Fact]
    public async Task BeforeRequest_StalledBlocks_DoNotRenewAtEveryAttempt()
    {
        // Between two completed blocks the live forecast of remaining work grows with every second. With the renewal
        // threshold equal to the sizing, each attempt in a stall found the fresh window short and renewed again: 11 renewals,
        // attempts 56 to 65 in a row. With the threshold at half the headroom, one.
        var run = new SlowPush(total: 400 * MiB, forecastEstimate: TimeSpan.FromSeconds(60));
        var renewedAt = new List<int>();

        for (var block = 0; block < 50; block++)
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var before = run.Credential.Renewals;
                await run.AttemptAsync(TimeSpan.FromSeconds(10), bytes: 0);
                if (run.Credential.Renewals != before)
                {
                    renewedAt.Add(run.Attempts);
                }
            }

            await run.AttemptAsync(TimeSpan.FromSeconds(20), bytes: 8 * MiB);
        }

        Assert.Equal(550, run.Attempts);
        Assert.Equal(0, run.Lapses);
        Assert.Equal([56], renewedAt);
    }

    [Fact]
    public async Task BeforeRequest_PushOnPace_NeverRenews()
    {
        // The forecast was right: 400 MiB in 50 blocks of 1.2 s each.
        var run = new SlowPush(total: 400 * MiB, forecastEstimate: TimeSpan.FromSeconds(60));

        for (var block = 0; block < 50; block++)
        {
            await run.AttemptAsync(TimeSpan.FromSeconds(1.2), bytes: 8 * MiB);
        }

        Assert.Equal(0, run.Credential.Renewals);
    }

    [Fact]
    public async Task BeforeRequest_ResumedPush_MeasuresOnlyTheBytesSentThisRun()
    {
        // Half the blocks are already staged. The rest goes at 8 MiB per 60 s, 10× slower than forecast.
        var run = new SlowPush(total: 400 * MiB, forecastEstimate: TimeSpan.FromSeconds(60));
        run.Progress.AddReused(200 * MiB);

        for (var block = 0; block < 25; block++)
        {
            await run.AttemptAsync(TimeSpan.FromSeconds(60), bytes: 8 * MiB);
        }

        Assert.Equal(200 * MiB, run.Progress.TransferredBytes);
        Assert.Equal(0, run.Lapses);
        Assert.Equal(1, run.Credential.Renewals);
    }

    private sealed class SlowPush
    {
        private readonly FakeTimeProvider _time = new(Start);
        private readonly SasLifetimePolicy _policy = new(new SasLifetimeOptions(), new ForecastOptions());
        private readonly ForecastOptions _options = new();

        public SlowPush(long total, TimeSpan forecastEstimate)
        {
            var whole = new PushForecast(forecastEstimate * 1.5, forecastEstimate, 1.5, 5, "5 comparable pushes", null);
            Progress = new PushProgress(total, _time, new CapturingLog(), TimeSpan.Zero);
            Credential = new RenewableSasCredential(
                new IssuedSas("sv=1&sig=initial", _policy.Choose(_time.GetUtcNow(), whole)),
                (remaining, _) => Task.FromResult(new IssuedSas("sv=1&sig=renewed", _policy.Choose(_time.GetUtcNow(), remaining is { } r ? whole.ForRemaining(r) : whole))),
                p => PushForecaster.ForecastRemaining(whole, p.TotalBytes, p.RemainingBytes, p.TransferredBytes, p.Elapsed, _options),
                _policy,
                proactive: true,
                _time,
                new CapturingLog());
        }

        public PushProgress Progress { get; }

        public RenewableSasCredential Credential { get; }

        public int Attempts { get; private set; }

        /// <summary>Attempts whose request ran past the usable validity (expiry less the skew margin).</summary>
        public int Lapses { get; private set; }

        public async Task AttemptAsync(TimeSpan takes, long bytes)
        {
            await Credential.BeforeRequestAsync(Progress);
            Attempts++;
            _time.Advance(takes);
            if (_time.GetUtcNow() > Credential.Current.Window.ExpiresOn - Credential.Current.Window.SkewMargin)
            {
                Lapses++;
            }

            Progress.AddDone(bytes);
        }
    }
}
