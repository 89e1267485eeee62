using System.Diagnostics;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Faults;

/// <summary>A push process killed mid-push (SIGKILL, no cleanup), then re-run: only the missing blocks go over the wire.</summary>
[Collection("Azurite")]
public sealed class KilledPushTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";

    [Fact]
    public async Task Push_ProcessKilledMidPush_RerunSendsOnlyTheMissingBlocks()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, (12 * PushHarness.BlockSize) + 3));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(300)));
        using var child = await PushProcess.StartAsync(azurite, new Uri(h.Proxy.BaseUri, "/" + azurite.Emulator.AccountName), h.ArtifactsDirectory, h.Version);

        // Manifest check, claim, listing, block list, then blocks: kill once five blocks are staged, about 40 %.
        var started = h.Proxy.WaitForRequestsAsync(4 + 5);
        var exited = child.WaitAsync();
        if (await Task.WhenAny(started, exited) == exited)
        {
            Assert.Fail($"The push process exited with {child.Process.ExitCode} before it was killed:\n{child.Output}");
        }

        await started;
        child.Process.Kill(entireProcessTree: true);
        await child.WaitAsync();
        var staged = await h.StableUncommittedAsync(Big);
        Assert.InRange(staged.Count, 5, 12);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
        h.Proxy.ClearRules();
        h.Proxy.Reset();

        var report = await h.PushAsync(h.Options(o => o.Concurrency = 1));

        var sent = h.Proxy.Requests.Where(r => r.Comp == "block").Select(r => r.BlockId).ToList();
        Assert.Empty(sent.Intersect(staged));
        Assert.Equal(13 - staged.Count, sent.Count);
        Assert.Equal(ArtifactOutcome.Resumed, Assert.Single(report.Artifacts).Outcome);
        Assert.Equal(staged.Count, report.Artifacts[0].BlocksReused);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }
}
