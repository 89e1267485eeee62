using System.Text.Json;
using ReleaseTargets.Fetch;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Fetch;

/// <summary>Fetch under the fault matrix: every test ends with every byte verified, or with nothing of the file in --to.</summary>
[Collection("Azurite")]
public sealed class FetchFaultTests(AzuriteFixture azurite)
{
    private const int Ranges = 5;
    private const int BigBytes = ((Ranges - 1) * FetchConstants.RangeSize) + 11;
    private static readonly FaultMatch Gets = new() { Method = "GET", Comp = null };

    [Fact]
    public async Task FetchAsync_CancelledMidFile_ReRunRequestsOnlyTheMissingRangesAndVerifies()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("big.bin", BigBytes));
        var slow = h.Proxy.AddRule(Gets, FaultAction.Latency(TimeSpan.FromMilliseconds(400)));
        using var cancel = new CancellationTokenSource();
        var first = h.FetchAsync(concurrency: 1, cancellationToken: cancel.Token);
        await h.Proxy.WaitForRequestsAsync(3);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var target = Path.Combine(h.Destination, "big.bin");
        Assert.False(File.Exists(target));
        var written = JsonDocument.Parse(await File.ReadAllTextAsync(target + FetchConstants.StateSuffix)).RootElement.GetProperty("written").GetArrayLength();
        Assert.InRange(written, 3, Ranges - 1);
        h.Proxy.RemoveRule(slow);
        h.Proxy.Reset();

        var result = await h.FetchAsync(concurrency: 1);

        Assert.True(result.Succeeded);
        Assert.Equal(written, result.Files[0].ResumedRanges);
        Assert.Equal(Ranges - written, h.BlobGets());
        Assert.Equal(Ranges - written, result.RangesRequested);
        Assert.Equal(["big.bin"], h.FilesIn(h.Destination));
        h.AssertFetched("big.bin");
    }

    [Fact]
    public async Task FetchAsync_PartialOfABlobSinceReplaced_StartsOverOnceAndVerifiesTheNewContent()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("big.bin", BigBytes));
        var slow = h.Proxy.AddRule(Gets, FaultAction.Latency(TimeSpan.FromMilliseconds(400)));
        using var cancel = new CancellationTokenSource();
        var first = h.FetchAsync(concurrency: 1, cancellationToken: cancel.Token);
        await h.Proxy.WaitForRequestsAsync(2);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        h.Proxy.RemoveRule(slow);
        await h.RepublishAsync("big.bin", "second release of the same version");
        h.Proxy.Reset();

        var result = await h.FetchAsync(concurrency: 1);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Files[0].ResumedRanges);
        Assert.Equal(1, h.Proxy.Count(r => r.ClientStatus == 412));
        Assert.Equal(Ranges + 1, h.BlobGets());
        Assert.Contains("'big.bin' changed since its partial was written", h.Log.Text, StringComparison.Ordinal);
        Assert.Equal(["big.bin"], h.FilesIn(h.Destination));
        h.AssertFetched("big.bin");
    }

    [Fact]
    public async Task FetchAsync_TenPercentOfGetsFaulted_CompletesWithEveryByteVerified()
    {
        var files = Enumerable.Range(0, 12).Select(i => ($"f{i}.bin", 256 * 1024 + i)).Append(("big.bin", BigBytes)).ToArray();
        await using var h = await FetchHarness.StartAsync(azurite, files);
        h.Proxy.AddRule(Gets, FaultAction.Status(503, "ServerBusy"), FaultSelection.Probability(0.04, seed: 22));
        h.Proxy.AddRule(Gets, FaultAction.ResetMidBody, FaultSelection.Probability(0.03, seed: 23));
        h.Proxy.AddRule(Gets, FaultAction.LoseAcknowledgement, FaultSelection.Probability(0.03, seed: 24));

        var result = await h.FetchAsync();

        Assert.True(result.Succeeded, string.Join("; ", result.Failed.Select(f => f.Reason)));
        Assert.True(h.Proxy.Count(r => r.Rule is not null) > 0, "no fault fired");
        Assert.Equal(files.Select(f => f.Item1).Order(StringComparer.Ordinal), h.FilesIn(h.Destination));
        foreach (var (name, _) in files)
        {
            h.AssertFetched(name);
        }
    }

    [Fact]
    public async Task FetchAsync_FirstSasAlreadyExpired_RenewsInPlaceAndCompletes()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("a.txt", 100), ("big.bin", BigBytes));
        var expired = await h.SasAsync(TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var credential = new TestSasCredential(expired, () => h.SasAsync(TimeSpan.FromHours(1)));

        var result = await h.FetchAsync(credential: credential);

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Renewals);
        Assert.Contains(h.Proxy.Requests, r => r.ClientStatus == 403);
        h.AssertFetched("a.txt");
        h.AssertFetched("big.bin");
    }

    [Fact]
    public async Task FetchAsync_403AuthenticationFailedMidFile_RenewsAndContinuesWithoutRefetchingARange()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("big.bin", BigBytes));
        h.Proxy.AddRule(Gets, FaultAction.Status(403, "AuthenticationFailed"), FaultSelection.Nth(3));

        var result = await h.FetchAsync(concurrency: 2);

        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Renewals);
        Assert.Equal(1, h.Proxy.Count(r => r.ClientStatus == 403));
        Assert.Equal(Ranges, h.Proxy.Count(r => r.Method == "GET" && r.ClientStatus == 206));
        Assert.Equal(Ranges + 1, result.RangesRequested);
        h.AssertFetched("big.bin");
    }

    [Fact]
    public async Task FetchAsync_BlobReplacedMidFetch_FailsOn412WithoutRetryingAndKeepsNothingOfIt()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("big.bin", FetchConstants.RangeSize + 5), ("small.txt", 10));
        h.Proxy.AddRule(new FaultMatch { Method = "GET", Comp = null, BlobNameContains = "big.bin" }, FaultAction.Latency(TimeSpan.FromSeconds(1.5)));
        var replace = Task.Run(async () =>
        {
            await h.Proxy.WaitForRequestsAsync(1);
            await h.UploadAsync("big.bin", FetchHarness.RandomBytes("replacement", FetchConstants.RangeSize + 5));
        });

        var result = await h.FetchAsync(concurrency: 1);
        await replace;

        var failed = Assert.Single(result.Failed);
        Assert.Equal("big.bin", failed.Name);
        Assert.Contains("'big.bin' changed on the server while it was being fetched", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, h.Proxy.Count(r => r.ClientStatus == 412));
        Assert.Equal(["small.txt"], h.FilesIn(h.Destination));
    }
}
