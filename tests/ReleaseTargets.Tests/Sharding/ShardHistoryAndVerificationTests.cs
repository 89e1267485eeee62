using ReleaseTargets.Configuration;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Sharding;

/// <summary>Each shard forecasts from its own pushes; the seal trusts no record without checking the service.</summary>
[Collection("Azurite")]
public sealed class ShardHistoryAndVerificationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RefreshCredentials_ShardSharingAStateFolder_ForecastsFromItsOwnPushesOnly()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("tiny", seed: 1, ("tiny.txt", 100));
        release.WriteShard("big", seed: 2, ("big.bin", 3 * 1024 * 1024));
        var state = Path.Combine(release.ArtifactsOf("tiny"), "..", "..", "shared-state");

        await PushInProcessAsync(release, "tiny", state);
        var tinyAgain = await PushInProcessAsync(release, "tiny", state);
        var big = await PushInProcessAsync(release, "big", state);

        // The second tiny push is forecast from the first; the big shard has no pushes of its own, so it is a cold start
        // with nothing measured — not "no comparable pushes", which would mean it had read the tiny shard's runs.
        Assert.NotEqual("cold start: no pushes in history", tinyAgain.Forecast.Basis);
        Assert.Equal("cold start: no pushes in history", big.Forecast.Basis);
        var history = await File.ReadAllTextAsync(Path.Combine(state, "stage-history.json"));
        Assert.Contains("\"Push[tiny]\"", history, StringComparison.Ordinal);
        Assert.Contains("\"Push[big]\"", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seal_RecordedBlobMissingOrDifferentInStorage_IsRefusedNamingTheArtifactAndItsShard()
    {
        using var release = new ShardedRelease(azurite);
        release.WriteShard("a", seed: 1, ("a.bin", 700));
        release.WriteShard("b", seed: 2, ("b.bin", 700));
        Assert.Equal(0, (await release.PushAsync("a")).Code);
        Assert.Equal(0, (await release.PushAsync("b")).Code);
        // What no push of this tool can do (it never deletes or overwrites), but an operator with the account key can.
        await release.Direct.GetBlobClient($"{release.Version}/a.bin").DeleteAsync();
        await release.Direct.GetBlobClient($"{release.Version}/b.bin").UploadAsync(BinaryData.FromString("replaced"), overwrite: true);

        var (code, output) = await release.SealAsync(["a", "b"], timeoutSeconds: 5);

        Assert.Equal(1, code);
        Assert.Contains("'a.bin' recorded by shard 'a' is not in storage", output, StringComparison.Ordinal);
        Assert.Contains("'b.bin' recorded by shard 'b' as 700 bytes with MD5", output, StringComparison.Ordinal);
        Assert.Contains("is 8 bytes with MD5", output, StringComparison.Ordinal);
        Assert.False(await release.ManifestExistsAsync());
    }

    private async Task<ReleaseTargets.Credentials.SasWindow> PushInProcessAsync(ShardedRelease release, string shard, string state)
    {
        var target = new StorageTarget(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreateTokenCredential(), azurite.Emulator.CreatePinnedHandler(), IsEmulator: true);
        var options = new ReleaseOptions
        {
            ReleaseVersion = release.Version,
            ArtifactsDirectory = release.ArtifactsOf(shard),
            StateDirectory = state,
            Shard = shard,
            BlockSizeMiB = 1,
            ProgressInterval = TimeSpan.Zero,
        };
        await using var run = new ReleaseRun(options, new CapturingLog(), TimeProvider.System, new Dictionary<string, string>(), target);
        var window = await run.RefreshCredentialsAsync();
        await run.PushAsync();
        await run.CompleteAsync(succeeded: true);
        return window;
    }
}
