using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// Trust at the boundaries (issue 21), storage side, over real HTTP: an endpoint that accepts and never answers, a TLS
/// certificate nobody trusts, and error text written to forge log lines.
/// </summary>
[Collection("Azurite")]
public sealed class TrustAndStallTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";
    private const int BigBytes = (3 * PushHarness.BlockSize) + 7;

    [Fact]
    public async Task Push_EndpointAcceptsAndNeverAnswers_FailsAfterThreeSilentTriesPrintingEachAndNamingTheStall()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var stall = h.Proxy.AddRule(FaultMatch.Any, FaultAction.Stall);

        // Before issue 21 this waited MaxRetries + 1 per-try timeouts in silence (7 × 5 s here, 7 × 100 s by default).
        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o =>
        {
            o.ResponseTimeout = TimeSpan.FromSeconds(1);
            o.PerTryTimeout = TimeSpan.FromSeconds(5);
        })));

        Assert.Equal(1 + ReleaseTargets.Configuration.ReleaseDefaults.UnresponsiveRetries, stall.FiredCount);
        Assert.Contains("failed after 3 attempts: last error no response within 1.0s (--response-timeout)", error.Message, StringComparison.Ordinal);
        Assert.Contains("the storage endpoint accepted the connection but sent no response within 1.0s (--response-timeout), 3 times in a row", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was staged yet", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("already staged", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-retries", error.Message, StringComparison.Ordinal);
        // A line at normal verbosity for every silent try that is retried: the wait is never silent.
        Assert.Equal(2, h.Log.Lines.Count(l => l.Level == ReleaseLogLevel.Information && l.Message.StartsWith("Retrying after no response within 1.0s", StringComparison.Ordinal)));
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task RefreshCredentials_StorageCertificateNotTrusted_OneAttemptNamingTheCertificateAndAManInTheMiddle()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        await using var endpoint = SilentEndpoint.UntrustedTls();
        // The plain handler trusts this machine's roots only, as for a real account.
        var target = new StorageTarget(new Uri(endpoint.BaseUri, azurite.Emulator.AccountName), azurite.Emulator.CreateTokenCredential(), Handler: null, IsEmulator: true);
        var log = new CapturingLog();
        var run = new ReleaseRun(h.Options(), log, TimeProvider.System, new Dictionary<string, string>(), target);

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => run.RefreshCredentialsAsync());
        await run.CompleteAsync(succeeded: false);

        Assert.Equal(1, endpoint.Connections);
        Assert.Contains("failed after 1 attempt: last error TLS certificate rejected: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", error.Message, StringComparison.Ordinal);
        Assert.Contains("man in the middle", error.Message, StringComparison.Ordinal);
        Assert.Contains("Not retried", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-retries", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Retrying", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_StorageErrorTextForgingLogLines_ReachesMessageLogAndReportAsOneBoundedPrintableLine()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(400, UntrustedText.XmlPayload, message: UntrustedText.XmlPayload));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1)));

        Assert.Equal(1, rule.FiredCount);
        // The text really reached every sink (otherwise this proves nothing) ...
        Assert.Contains("title=pwned", error.Message, StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync(h.ReportPath);
        Assert.Contains("title=pwned", report, StringComparison.Ordinal);
        // ... and only as one printable bounded line.
        UntrustedText.AssertClean("message", error.Message);
        UntrustedText.AssertClean("log", h.Log.Text);
        UntrustedText.AssertCleanJson("push-report.json", report);
    }
}
