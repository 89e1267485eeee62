using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// ~5 % of Put Block requests fail at the proxy (a third each: 503 ServerBusy, connection reset mid-body, 404):
/// ReleaseTargets with its defaults vs the plain SDK (its own retries on) inside a whole-file retry loop. Each also
/// runs the same payload through the same proxy without faults, the baseline of "time vs clean".
/// </summary>
internal sealed class FaultScenario(BenchmarkSettings settings, BenchmarkHost host, ReleaseTargetsContender releaseTargets, PlainSdkContender plain, TextWriter output)
{
    public const string Mix = "Put Block only: 1/3 503 ServerBusy, 1/3 reset mid-body, 1/3 404 BlobNotFound; seeded per repetition";

    public async Task<FaultResults> RunAsync(Payload payload)
    {
        var rt = new Samples();
        var sdk = new Samples();
        for (var rep = 0; rep < settings.FaultRepetitions; rep++)
        {
            var order = rep % 2 == 0 ? new[] { true, false } : [false, true];
            foreach (var isReleaseTargets in order)
            {
                foreach (var faulty in new[] { false, true })
                {
                    var seed = settings.Seed + (rep * 10);
                    var rules = faulty ? AddRules(seed) : [];
                    host.Proxy.Reset();
                    var version = $"faults-{rep}-{(isReleaseTargets ? "rt" : "sdk")}-{(faulty ? "faulty" : "clean")}";
                    TimeSpan duration;
                    int retries;
                    var failed = false;
                    if (isReleaseTargets)
                    {
                        try
                        {
                            var outcome = await releaseTargets.PushAsync(payload.Directory, version, settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
                            (duration, retries) = (outcome.Push, outcome.Report.Retries);
                        }
                        catch (PushFailedException failure)
                        {
                            (duration, retries, failed) = (failure.Report.Duration, failure.Report.Retries, true);
                        }
                    }
                    else
                    {
                        var outcome = await plain.UploadAsync(payload.BlobsUnder(version), settings.BlockSizeMiB, settings.Concurrency, viaProxy: true);
                        (duration, retries, failed) = (outcome.Duration, outcome.WholeFileRetries, outcome.FailedFiles > 0);
                    }

                    await ProxyCounters.SettleAsync();
                    foreach (var rule in rules)
                    {
                        host.Proxy.RemoveRule(rule);
                    }

                    var samples = isReleaseTargets ? rt : sdk;
                    var sent = ProxyCounters.BytesSent(host.Proxy) / (double)payload.TotalBytes;
                    var forwarded = ProxyCounters.BytesForwarded(host.Proxy) / (double)payload.TotalBytes;
                    var injected = ProxyCounters.FaultsInjected(host.Proxy);
                    if (faulty)
                    {
                        samples.Faulty.Add(duration.TotalSeconds);
                        samples.Sent.Add(sent);
                        samples.Forwarded.Add(forwarded);
                        samples.Injected.Add(injected);
                        samples.Retries.Add(retries);
                        samples.Failures += failed ? 1 : 0;
                    }
                    else
                    {
                        samples.Clean.Add(duration.TotalSeconds);
                    }

                    var who = isReleaseTargets ? releaseTargets.Describe(settings.BlockSizeMiB, settings.Concurrency) : PlainSdkContender.Describe(settings.BlockSizeMiB, settings.Concurrency) + " + loop";
                    output.WriteLine($"  #{rep + 1} {who,-35} {(faulty ? "faults" : "clean "),-6} {duration.TotalSeconds,7:0.00} s  sent {sent,5:0.00}× payload  {injected,3} faults  {retries,3} {(isReleaseTargets ? "retries" : "whole-file retries")}{(failed ? "  FAILED" : "")}");
                }
            }
        }

        return new FaultResults(
            payload.TotalBytes,
            settings.FaultRate,
            Mix,
            rt.ToResult(releaseTargets.Describe(settings.BlockSizeMiB, settings.Concurrency)),
            sdk.ToResult(PlainSdkContender.Describe(settings.BlockSizeMiB, settings.Concurrency) + " + whole-file retry loop"));
    }

    private FaultRule[] AddRules(int seed)
    {
        // The first rule that fires wins, so three rules of p/3 fail 1-(1-p/3)^3 ≈ p of the requests.
        var p = settings.FaultRate / 3;
        return
        [
            host.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy"), FaultSelection.Probability(p, seed + 1)),
            host.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.ResetMidBody, FaultSelection.Probability(p, seed + 2)),
            host.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(404, "BlobNotFound"), FaultSelection.Probability(p, seed + 3)),
        ];
    }

    private sealed class Samples
    {
        public List<double> Clean { get; } = [];

        public List<double> Faulty { get; } = [];

        public List<double> Sent { get; } = [];

        public List<double> Forwarded { get; } = [];

        public List<int> Injected { get; } = [];

        public List<int> Retries { get; } = [];

        public int Failures { get; set; }

        public FaultContender ToResult(string name)
        {
            var clean = Stats.Median(Clean);
            var faulty = Stats.Median(Faulty);
            return new FaultContender(name, [.. Clean], [.. Faulty], [.. Sent], [.. Forwarded], [.. Injected], [.. Retries], Failures,
                clean, faulty, faulty / clean, Stats.Median(Sent));
        }
    }
}
