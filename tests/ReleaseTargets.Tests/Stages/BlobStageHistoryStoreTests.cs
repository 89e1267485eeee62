using ReleaseTargets.Diagnostics;
using ReleaseTargets.Resilience;
using ReleaseTargets.Stages;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Stages;

[Collection("Azurite")]
public sealed class BlobStageHistoryStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SaveAsync_NoSharedHistoryYet_CreatesItAndLoadReturnsTheRecords()
    {
        var (store, _) = await NewStoreAsync();
        var local = new StageHistory();
        local.Add(new StageRecord(ReleaseStages.Push, T0, TimeSpan.FromSeconds(42), StageOutcome.Succeeded, 1000, 2));

        Assert.True(await store.SaveAsync(local));
        var loaded = await store.LoadAsync();

        Assert.Equal(TimeSpan.FromSeconds(42), Assert.Single(loaded!.For(ReleaseStages.Push)).Duration);
    }

    [Fact]
    public async Task LoadAndSave_CredentialFailsAtTeardown_WarnAndNeverThrow()
    {
        // What the SDK throws when the token cannot be refreshed at teardown: not a RequestFailedException.
        var container = new Azure.Storage.Blobs.BlobServiceClient(azurite.Emulator.BlobServiceUri, new FailingCredential(), azurite.CreateClientOptions()).GetBlobContainerClient("history-broken");
        var log = new CapturingLog();
        var runner = new RequestRunner(new PushRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 1 }, TimeProvider.System, NoRenewal.Instance, container.Name, log);
        var store = new BlobStageHistoryStore(container.GetBlobClient(BlobStageHistoryStore.BlobName), 20, runner, log);
        var history = new StageHistory();
        history.Add(new StageRecord(ReleaseStages.Push, T0, TimeSpan.FromSeconds(1), StageOutcome.Succeeded));

        Assert.Null(await store.LoadAsync());
        Assert.False(await store.SaveAsync(history));
        Assert.Equal(2, log.Lines.Count(l => l.Level == ReleaseLogLevel.Warning && l.Message.Contains("shared stage history", StringComparison.Ordinal)));
    }

    private sealed class FailingCredential : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.AuthenticationFailedException("token endpoint unreachable");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.AuthenticationFailedException("token endpoint unreachable");
    }

    [Fact]
    public async Task SaveAsync_SixAgentsAtOnce_EveryAgentsRunSurvivesTheConflicts()
    {
        var (store, log) = await NewStoreAsync();
        var agents = Enumerable.Range(0, 6).Select(i =>
        {
            var history = new StageHistory();
            history.Add(new StageRecord(ReleaseStages.Push, T0.AddMinutes(i), TimeSpan.FromSeconds(10 + i), StageOutcome.Succeeded));
            return history;
        }).ToList();

        var saved = await Task.WhenAll(agents.Select(a => store.SaveAsync(a)));

        Assert.All(saved, Assert.True);
        var shared = await store.LoadAsync();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => T0.AddMinutes(i)), shared!.For(ReleaseStages.Push).Select(r => r.StartedAt));
        Assert.DoesNotContain(log.Lines, l => l.Level == ReleaseLogLevel.Warning);
    }

    [Fact]
    public async Task LoadAsync_CorruptSharedHistory_WarnsOnceAndIsIgnored()
    {
        var (store, log) = await NewStoreAsync();
        await store.Blob.UploadAsync(BinaryData.FromString("{ not json"), overwrite: true);

        var loaded = await store.LoadAsync();

        Assert.Null(loaded);
        Assert.StartsWith("Shared stage history '", Assert.Single(log.Lines, l => l.Level == ReleaseLogLevel.Warning).Message, StringComparison.Ordinal);
        var local = new StageHistory();
        local.Add(new StageRecord(ReleaseStages.Push, T0, TimeSpan.FromSeconds(1), StageOutcome.Succeeded));
        Assert.True(await store.SaveAsync(local));
    }

    [Fact]
    public async Task Push_FreshAgentAgainstARealAccount_ForecastsFromAnotherAgentsRun()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 300_000));
        h.AsRealAccount = true;
        h.Container = "history-" + Guid.NewGuid().ToString("N")[..8];
        await h.PushAsync(h.Options(o => o.StateDirectory = Directory.CreateTempSubdirectory("rt-agent1-").FullName));
        Assert.True(h.LastRun!.SasWindow!.Forecast.IsColdStart);
        h.Version += "-next";

        await h.PushAsync(h.Options(o => o.StateDirectory = Directory.CreateTempSubdirectory("rt-agent2-").FullName));

        Assert.Equal(1, h.LastRun!.SasWindow!.Forecast.RunsUsed);
    }

    private async Task<(StoreUnderTest Store, CapturingLog Log)> NewStoreAsync()
    {
        var container = azurite.CreateTokenClient().GetBlobContainerClient("history-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        var log = new CapturingLog();
        var blob = container.GetBlobClient(BlobStageHistoryStore.BlobName);
        return (new StoreUnderTest(new BlobStageHistoryStore(blob, 20, new RequestRunner(new PushRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, NoRenewal.Instance, container.Name, log), log), blob), log);
    }

    private sealed record StoreUnderTest(BlobStageHistoryStore Store, Azure.Storage.Blobs.BlobClient Blob)
    {
        public Task<StageHistory?> LoadAsync() => Store.LoadAsync();

        public Task<bool> SaveAsync(StageHistory history) => Store.SaveAsync(history);
    }
}
