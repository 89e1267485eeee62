using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// Failures with one owner (issue 10), on the real Azurite through the fault proxy: what stops the whole push, how often a
/// rejected credential is renewed, what a dead endpoint or a failing control request says, and that retries of control
/// requests are counted.
/// </summary>
[Collection("Azurite")]
public sealed class FailureHandlingTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";
    private const int BigBytes = (5 * PushHarness.BlockSize) + 99;

    [Fact]
    public async Task Push_PermissionMissingWithManyArtifacts_TheFirstRefusalStopsTheWholePush()
    {
        var files = Enumerable.Range(0, 8).Select(i => ($"f{i}.txt", 100 + i)).ToArray();
        await using var h = await PushHarness.StartAsync(azurite, files);
        h.Proxy.AddRule(new FaultMatch { Method = "PUT", BlobNameContains = h.Version + "/" }, FaultAction.Status(403, "AuthorizationPermissionMismatch"));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 2)));

        // About one refused request per concurrent slot (a slot may already be starting its next artifact when the first
        // refusal cancels it); the rest of the eight artifacts are never tried. Without the stop, all eight are tried.
        Assert.InRange(h.Proxy.Count(r => r.Method == "PUT" && r.BlobName!.StartsWith(h.Version + "/", StringComparison.Ordinal)), 1, 3);
        Assert.True(error.Report.Artifacts.Count(a => a.Outcome == ArtifactOutcome.NotAttempted) >= 5, error.Message);
        Assert.Contains("lacks a permission", error.Message, StringComparison.Ordinal);
        Assert.Contains("not attempted: the push stopped because 'f", string.Join("\n", error.Report.Artifacts.Select(a => a.Error)), StringComparison.Ordinal);
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_AuthorizationFailureAgainWithAFreshSas_RenewsOnceThenNamesTheClockAndTheFirewall()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(403, "AuthorizationFailure"));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1)));

        Assert.Equal(1, error.Report.CredentialRenewals);
        Assert.Equal(2, h.PutBlocks);
        Assert.Contains("failed after 2 attempts: last error 403 AuthorizationFailure", error.Message, StringComparison.Ordinal);
        Assert.Contains("clock", error.Message, StringComparison.Ordinal);
        Assert.Contains("firewall / network rules", error.Message, StringComparison.Ordinal);
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_EndpointStopsAnsweringMidPush_SaysSoWithTheBytesReallySent()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, (10 * PushHarness.BlockSize) + 1));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(150)));
        // Manifest check, claim, listing, block list, three blocks: then the endpoint dies.
        var kill = Task.Run(async () =>
        {
            await h.Proxy.WaitForRequestsAsync(4 + 3);
            await h.Proxy.DisposeAsync();
        });

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1)));
        await kill;

        Assert.Contains("the storage endpoint stopped answering", error.Message, StringComparison.Ordinal);
        Assert.Contains("re-run the push: it resumes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kept failing transiently", error.Message, StringComparison.Ordinal);
        Assert.True(error.Report.BytesSent >= 3 * PushHarness.BlockSize, $"reported {error.Report.BytesSent} bytes sent");
        Assert.Contains($"after sending {ReleaseTargets.Diagnostics.Units.Bytes(error.Report.BytesSent)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ListingKeepsFailing_NamesTheStepTheAttemptsAndTheNextStep()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(new FaultMatch { Method = "GET", Comp = "list" }, FaultAction.Status(503, "ServerBusy"));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.MaxRetries = 2)));

        Assert.StartsWith($"Listing release '{h.Version}' failed after 3 attempts: last error 503 ServerBusy. Next: storage kept failing transiently; re-run the push", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Report.Retries);
        Assert.Equal(0, h.PutBlocks);
        Assert.True(File.Exists(h.ReportPath));
    }

    [Fact]
    public async Task Push_ManifestReadFailsOnce_TheRetryIsCountedInTheReport()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(new FaultMatch { Method = "GET", Comp = null, BlobNameContains = ReleaseManifest.FileName }, FaultAction.Status(503, "ServerBusy"), FaultSelection.Nth(1));

        var report = await h.PushAsync();

        Assert.Equal(1, report.ControlRetries);
        Assert.Equal(1, report.Retries);
        Assert.Contains("1 retries", h.Log.Text, StringComparison.Ordinal);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_ErrorTextCarryingTheSasAndAToken_NeverReachesTheMessageLogReportOrSummary()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var summary = Path.Combine(h.ArtifactsDirectory, "..", "step-summary.md");
        h.Environment["GITHUB_STEP_SUMMARY"] = summary;
        const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZWxlYXNlIn0.c2lnbmF0dXJlLXBhcnQ";
        string? signature = null;

        // A service (or proxy) that echoes the request, SAS included, into its error text: the worst case for a log.
        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1), afterRefresh: () =>
        {
            var token = h.LastRun!.CurrentSasToken!;
            signature = System.Web.HttpUtility.ParseQueryString(token)["sig"];
            h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(400, "InvalidHeaderValue", message: $"Bad header on PUT {h.Proxy.BaseUri}releases/{Big}?comp=block&{token} (Authorization: Bearer {jwt}; token {jwt})"));
            return Task.CompletedTask;
        }));

        Assert.NotNull(signature);
        Assert.True(signature.Length > 20);
        var everything = string.Join("\n",
            error.Message,
            error.Report.Artifacts[0].Error,
            h.Log.Text,
            await File.ReadAllTextAsync(h.ReportPath),
            await File.ReadAllTextAsync(summary));
        // The fault really reached every sink (otherwise this test proves nothing).
        Assert.Contains("Bad header on PUT", error.Message, StringComparison.Ordinal);
        Assert.Contains("Bad header on PUT", await File.ReadAllTextAsync(summary), StringComparison.Ordinal);
        Assert.DoesNotContain(signature, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, everything, StringComparison.Ordinal);
        // The SAS reached the sinks, redacted: as a known secret (the whole token) or by its signature. Since issue 21 server
        // text is cut at ServerText.MaxMessageLength, so the later XML copy of the message that always showed "sig=***" is gone.
        Assert.True(everything.Contains("comp=block&***", StringComparison.Ordinal) || everything.Contains("sig=***", StringComparison.Ordinal), everything);
    }
}
