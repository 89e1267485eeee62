using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Faults;

/// <summary>One test per row of the fault matrix (DESIGN.md §3), each through the fault proxy into a real Azurite.</summary>
[Collection("Azurite")]
public sealed class PushFaultTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";
    private const int BigBytes = (4 * PushHarness.BlockSize) + 12345;
    private const string Small = "small.nupkg";
    private const int SmallBytes = 300_000;

    [Fact]
    public async Task Push_ServerBusyOnPutBlock_RetriesAndLosesNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy"), FaultSelection.FirstN(3));

        var report = await h.PushAsync();

        Assert.True(report.Succeeded);
        Assert.Equal(3, report.Retries);
        Assert.Equal(5 + 3, h.PutBlocks);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_InternalErrorAndTimeoutOnCommit_RetriesTheCommit()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.Status(500, "InternalError"), FaultSelection.Nth(1));
        h.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.Status(500, "OperationTimedOut"), FaultSelection.Nth(1));

        var report = await h.PushAsync();

        Assert.Equal(2, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_ThrottledWithRetryAfterMs_WaitsAtLeastTheRequestedDelay()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(429, "ServerBusy", FaultAction.RetryAfterMs(TimeSpan.FromMilliseconds(900))), FaultSelection.Nth(1));

        await h.PushAsync(h.Options(o => o.Concurrency = 1));

        var requests = h.Proxy.Requests.Where(r => r.Comp == "block").ToList();
        var throttled = requests.Single(r => r.Rule == rule.Name);
        var retry = requests.First(r => r.Sequence > throttled.Sequence && r.BlockId == throttled.BlockId);
        // Arrivals are stamped with the wall clock, which this VM adjusts by a few ms; the harness's own backoff is 20 ms,
        // so anything near 900 ms can only come from honouring the header.
        Assert.True(retry.Time - throttled.Time >= TimeSpan.FromMilliseconds(880), $"gap {(retry.Time - throttled.Time).TotalMilliseconds} ms");
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_RetryAfterBeyondTheCap_FailsClearlyWithoutWaitingAndWritesNoManifest()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy", FaultAction.RetryAfter(TimeSpan.FromHours(1))));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.RetryAfterCap = TimeSpan.FromSeconds(5))));

        Assert.Contains("Pushing 'big.bin' failed after 1 attempt: last error 503 ServerBusy. Next: storage asked to wait 1h00m, longer than RetryAfterCap 5.0s", error.Message, StringComparison.Ordinal);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_TransientNotFoundOnPutBlock_RetriesBounded()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(404, "BlobNotFound"), FaultSelection.FirstN(2));

        var report = await h.PushAsync();

        Assert.Equal(2, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
    }

    [Fact]
    public async Task Push_LatencyBeyondPerTryTimeout_CancelsThatTryAndRetries()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(20)), FaultSelection.Nth(1));

        var report = await h.PushAsync(h.Options(o => o.PerTryTimeout = TimeSpan.FromSeconds(2)));

        Assert.Equal(1, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
    }

    [Fact]
    public async Task Push_EveryTryPastPerTryTimeout_FailsAdvisingTheTimeoutOrBlockSizeNotMoreRetries()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromSeconds(20)));

        var failed = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o =>
        {
            o.PerTryTimeout = TimeSpan.FromSeconds(2);
            o.MaxRetries = 1;
        })));

        Assert.True(rule.FiredCount >= 2, $"fired {rule.FiredCount}");
        Assert.Contains("last error per-try timeout", failed.Message, StringComparison.Ordinal);
        Assert.Contains("every try ran past --per-try-timeout", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Raise --per-try-timeout or lower --block-size-mi-b", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--max-retries", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_ConnectionResetMidBody_ResendsTheSameBlockId()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.ResetMidBody, FaultSelection.Nth(2));

        var report = await h.PushAsync();

        var reset = h.Proxy.Requests.Single(r => r.Rule == rule.Name);
        Assert.Contains(h.Proxy.Requests, r => r.Comp == "block" && r.BlockId == reset.BlockId && r.ClientStatus == 201);
        Assert.Equal(1, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
    }

    [Fact]
    public async Task Push_LostCommitAcknowledgement_RetriesAndVerifiesTheCommit()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlockList, FaultAction.LoseAcknowledgement, FaultSelection.Nth(1));

        var report = await h.PushAsync();

        Assert.Equal(2, h.Proxy.Count(r => r.Comp == "blocklist" && r.Method == "PUT"));
        Assert.Equal(1, report.Retries);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_CorruptedBody_IsRejectedByMd5AndRestaged()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.CorruptBody, FaultSelection.Nth(1));

        var report = await h.PushAsync();

        Assert.Equal(400, h.Proxy.Requests.Single(r => r.Rule == rule.Name).ClientStatus);
        Assert.Equal(1, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
    }

    [Fact]
    public async Task Push_OneBlockFile_IsASinglePutBlobWithNoFollowUpRequest()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Small, SmallBytes));

        await h.PushAsync();

        // Not Put Block + Put Block List (what the SDK does when the length is not below its single-shot threshold),
        // and no HEAD before or after: the skip check comes from one listing, the integrity check from Content-MD5.
        var requests = h.Proxy.Requests.Where(r => r.BlobName == $"{h.Version}/{Small}").Select(r => (r.Method, r.Comp, r.ClientStatus));
        Assert.Equal([("PUT", null, 201)], requests);
        await h.AssertBlobMatchesSourceAsync(Small);
        await h.AssertManifestCompleteAsync(Small);
    }

    [Fact]
    public async Task Push_CorruptedPutBlobBody_IsRejectedAgainstTheFileMd5AndResent()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Small, SmallBytes));
        var rule = h.Proxy.AddRule(FaultMatch.PutBlob with { BlobNameContains = Small }, FaultAction.CorruptBody, FaultSelection.Nth(1));

        var report = await h.PushAsync();

        // The push hashes nothing itself: only the Content-MD5 it sends (the hash RefreshCredentials took) lets the
        // service refuse the corrupted body; without it the corrupted bytes would be stored with a 201.
        Assert.Equal(400, h.Proxy.Requests.Single(r => r.Rule == rule.Name).ClientStatus);
        Assert.Equal(1, report.Retries);
        await h.AssertBlobMatchesSourceAsync(Small);
    }

    [Fact]
    public async Task Push_FileChangedAfterRefreshCredentials_FailsNamingTheFileAndCommitsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Small, SmallBytes));
        var changed = new byte[SmallBytes];
        new Random(7).NextBytes(changed);

        var error = await Assert.ThrowsAsync<PushFailedException>(() =>
            h.PushAsync(afterRefresh: () => File.WriteAllBytesAsync(h.PathOf(Small), changed)));

        Assert.Contains($"'{Small}' changed after RefreshCredentials hashed it", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Proxy.Count(r => r.BlobName == $"{h.Version}/{Small}" && r.Method == "PUT"));
        Assert.False(await h.ExistsAsync($"{h.Version}/{Small}"));
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_InjectedExpiredSas_RenewsInPlaceWithoutResendingStagedBlocks()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(403, "AuthenticationFailed"), FaultSelection.Nth(3));

        var report = await h.PushAsync(h.Options(o => o.Concurrency = 1));

        Assert.Equal(1, report.CredentialRenewals);
        Assert.Equal(5 + 1, h.PutBlocks);
        Assert.Equal(5, h.Proxy.Requests.Where(r => r.Comp == "block" && r.ClientStatus == 201).Select(r => r.BlockId).Distinct().Count());
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_PermissionMismatch_FailsFastNamingThePermissionAndCommitsNothing()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(403, "AuthorizationPermissionMismatch"));

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1)));

        Assert.Contains("last error 403 AuthorizationPermissionMismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains("lacks a permission", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.PutBlocks);
        Assert.Equal(0, error.Report.CredentialRenewals);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
    }

    [Fact]
    public async Task Push_ContainerMissingAndCreationOff_FailsWithTheFix()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Container = "missing-" + Guid.NewGuid().ToString("N")[..8];

        var error = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.CreateContainer = false)));

        Assert.Contains($"Reading the release manifest failed after 1 attempt: last error 404 ContainerNotFound. Next: container '{h.Container}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("pass --create-container=true", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Proxy.Requests, r => r.Method == "PUT");
    }

    [Fact]
    public async Task Push_InterruptedThenRerun_SendsOnlyTheMissingBlocks()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, (10 * PushHarness.BlockSize) + 7));
        using var stop = new CancellationTokenSource();
        // Stop the run once four blocks were staged (after manifest check, claim, listing and block list), as a Ctrl-C would.
        var interrupted = Task.Run(async () =>
        {
            await h.Proxy.WaitForRequestsAsync(4 + 4);
            stop.Cancel();
        });

        var cancelled = await Assert.ThrowsAsync<PushFailedException>(() => h.PushAsync(h.Options(o => o.Concurrency = 1), cancellationToken: stop.Token));
        Assert.Matches(@"^Push of release '[^']+' was cancelled after sending [1-9][\d.]* [KM]iB; no manifest was written, so nothing was published\. Staged blocks are kept: re-run the push to resume from them\.$", cancelled.Message);
        await interrupted;
        // What the service really holds is the truth, whatever the client saw of the request in flight; the proxy may
        // still complete a block the cancelled client abandoned, so read until the list stops changing.
        var staged = await h.StableUncommittedAsync(Big);
        Assert.InRange(staged.Count, 4, 10);
        h.Proxy.Reset();

        var report = await h.PushAsync();

        var resent = h.Proxy.Requests.Where(r => r.Comp == "block").Select(r => r.BlockId).ToList();
        Assert.Empty(resent.Intersect(staged));
        Assert.Equal(11 - staged.Count, resent.Count);
        Assert.Equal(ArtifactOutcome.Resumed, Assert.Single(report.Artifacts).Outcome);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }


    [Fact]
    public async Task Push_CommitNamesAMissingBlock_RelistsRestagesAndCommits()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlockList with { Method = "PUT" }, FaultAction.Status(400, "InvalidBlockList"), FaultSelection.Nth(1));

        await h.PushAsync();

        Assert.Equal(2, h.Proxy.Count(r => r.Comp == "blocklist" && r.Method == "PUT"));
        // Resume listing, the relist after the refusal, and the post-commit check.
        Assert.Equal(3, h.Proxy.Count(r => r.Comp == "blocklist" && r.Method == "GET"));
        Assert.Equal(5, h.PutBlocks);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertBlobMatchesSourceAsync(Big);
    }

    [Fact]
    public async Task Push_AllBlocksStagedCommitPending_BlobIsNotYetVisible()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes));
        h.Proxy.AddRule(FaultMatch.PutBlockList with { Method = "PUT" }, FaultAction.Latency(TimeSpan.FromSeconds(3)));

        var push = h.PushAsync();
        await h.Proxy.WaitForRequestsAsync(3 + 5);
        var visibleBeforeCommit = await h.ExistsAsync($"{h.Version}/{Big}");
        var manifestBeforeCommit = await h.ExistsAsync(ReleaseManifest.BlobNameFor(h.Version));
        await push;

        Assert.Equal(5, h.Proxy.Count(r => r.Comp == "block" && r.ClientStatus == 201));
        Assert.False(visibleBeforeCommit);
        Assert.False(manifestBeforeCommit);
        Assert.True(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestCompleteAsync(Big);
    }

    [Fact]
    public async Task Push_FinishedReleaseRerun_SendsZeroBytes()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, BigBytes), ("small.txt", 1000));
        await h.PushAsync();
        h.Proxy.Reset();

        var report = await h.PushAsync();

        Assert.Equal(0, report.BytesSent);
        Assert.Equal(0, h.Proxy.Count(r => r.Method == "PUT"));
        Assert.All(report.Artifacts, a => Assert.Equal(ArtifactOutcome.Skipped, a.Outcome));
    }

    [Fact]
    public async Task Push_NoArtifacts_FailsBeforeAnyRequest()
    {
        await using var h = await PushHarness.StartAsync(azurite);

        var error = await Assert.ThrowsAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.StartsWith("No artifacts matched '**/*' under '", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Proxy.Requests);
    }

    [Fact]
    public async Task Push_PublishedVersionWithDifferentContent_IsRefusedBeforeSendingBytes()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.txt", 100));
        await h.PushAsync();
        await File.WriteAllTextAsync(h.PathOf("a.txt"), "changed");
        h.Proxy.Reset();

        var error = await Assert.ThrowsAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"Release '{h.Version}' is already published with different artifacts", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Proxy.Count(r => r.Method == "PUT"));
    }
}
