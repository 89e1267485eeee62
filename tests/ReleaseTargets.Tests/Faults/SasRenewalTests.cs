using Azure;
using Azure.Storage.Sas;
using ReleaseTargets.Push;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Tests.Faults;

/// <summary>Real SAS expiry on Azurite: a short-lived first SAS and a slowed push, renewed proactively or reactively.</summary>
[Collection("Azurite")]
public sealed class SasRenewalTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";
    private const int BigBytes = (5 * PushHarness.BlockSize) + 99;

    [Fact]
    public async Task Push_ShortLivedFirstSasProactiveRenewal_CompletesWithoutA403()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(1)));

        var report = await h.PushAsync(h.Options(o => { o.SasLifetime = TimeSpan.FromSeconds(3); o.Concurrency = 1; }));

        // The first SAS lives 3 s (SasLifetime); the renewed one is sized by the forecast (30 min), so exactly one renewal.
        Assert.Equal(1, report.CredentialRenewals);
        Assert.DoesNotContain(h.Proxy.Requests, r => r.ClientStatus == 403);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_SasExpiresMidPushProactiveOff_RenewsAfterThe403AndResendsNothingStaged()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(1)));

        var report = await h.PushAsync(h.Options(o => { o.SasLifetime = TimeSpan.FromSeconds(3); o.DisableProactiveRenewal = true; o.Concurrency = 1; }));

        Assert.Contains(h.Proxy.Requests, r => r.ClientStatus == 403);
        // The first SAS lives 3 s (SasLifetime); the renewed one is sized by the forecast (30 min), so exactly one renewal.
        Assert.Equal(1, report.CredentialRenewals);
        var accepted = h.Proxy.Requests.Where(r => r.Comp == "block" && r.ClientStatus == 201).Select(r => r.BlockId).ToList();
        Assert.Equal(accepted.Distinct().Count(), accepted.Count);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task IncidentReplay_FixedShortSasOutlivedByTheBuild_FailsNaivelyAndSucceedsWithRefreshCredentials()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(1)));

        // The naive way: one SAS minted "at build start" with a fixed lifetime, nothing renews it.
        var naive = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o =>
        {
            o.SasLifetime = TimeSpan.FromSeconds(3);
            o.DisableProactiveRenewal = true;
            o.MaxCredentialRenewals = 0;
            o.Concurrency = 1;
        })));
        Assert.Contains("last error 403 AuthorizationFailure", naive.Message, StringComparison.Ordinal);
        await h.AssertManifestAbsentAsync();

        var report = await h.PushAsync(h.Options(o => o.Concurrency = 1));

        Assert.True(report.Succeeded);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_RealSasWithoutWritePermission_FailsFastAndWritesNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        await h.Direct.CreateIfNotExistsAsync();
        // Everything the push needs except write and create.
        var sas = await azurite.CreateUserDelegationSasAsync(h.Container, BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddMinutes(30));
        var container = azurite.CreateSasContainerClient(h.Container, new AzureSasCredential(sas));
        var pusher = new ReleasePusher(container, NoRenewal.Instance, new PushRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, 4, TimeSpan.Zero, TimeProvider.System, new CapturingLog());
        var artifacts = await ArtifactSet.Discover(h.ArtifactsDirectory, "**/*", h.Version).HashAsync(PushHarness.BlockSize);

        var error = await Assert.ThrowsAsync<PushFailedException>(() => pusher.PushAsync(artifacts, h.Version, new Dictionary<string, double>(), null));

        Assert.Contains("Claiming release '" + h.Version + "' failed after 1 attempt: last error 403 AuthorizationPermissionMismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains("lacks a permission", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_TheMintedSas_IsContainerScopedHttpsOnlyReadCreateWriteListAndNothingElse()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.txt", 10));

        await h.PushAsync();

        var query = System.Web.HttpUtility.ParseQueryString(h.LastRun!.CurrentSasToken!);
        Assert.Equal("rcwl", query["sp"]);
        Assert.Equal("c", query["sr"]);
        Assert.Equal("https", query["spr"]);
    }

    [Fact]
    public async Task Push_WithRenewals_NoSasSignatureOrTokenReachesTheLogOrTheReports()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(403, "AuthenticationFailed"), FaultSelection.Nth(2));

        await h.PushAsync(h.Options(o => { o.SasLifetime = TimeSpan.FromSeconds(3); o.Concurrency = 1; }));

        var token = h.LastRun!.CurrentSasToken!;
        var signature = System.Web.HttpUtility.ParseQueryString(token)["sig"]!;
        var written = string.Join("\n", h.Log.Text, await File.ReadAllTextAsync(h.ReportPath));
        Assert.True(signature.Length > 20);
        Assert.Contains("SAS renewed", written, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, written, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), written, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", written, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", written, StringComparison.Ordinal);
    }
}
