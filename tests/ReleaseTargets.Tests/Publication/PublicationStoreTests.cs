using System.Net;
using Azure;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.Publication;

/// <summary>The publication store's conflict paths, against a scripted blob service and a fake clock (no Azurite).</summary>
public sealed class PublicationStoreTests
{
    private const string BlobName = "_releasetargets/claims/1.0.json";

    private static readonly ReleaseClaim Mine = Claim("agent-a", new ArtifactContent("app.zip", 10, "QUFB"));

    private static readonly ReleaseClaim SameContentOtherAgent = Claim("agent-b", new ArtifactContent("app.zip", 10, "QUFB"));

    private static readonly ReleaseClaim OtherContent = Claim("agent-c", new ArtifactContent("app.zip", 11, "QkJC"));

    [Fact]
    public async Task ReadAsync_Absent_IsNull()
    {
        var service = new ScriptedBlobService().ThenError(HttpStatusCode.NotFound, "BlobNotFound");

        var stored = await service.Store.ReadAsync(Blob(service), "Reading the claim", ReleaseClaim.Codec, CancellationToken.None);

        Assert.Null(stored);
        Assert.Equal("GET", Assert.Single(service.Requests).Method);
    }

    [Fact]
    public async Task CreateOrVerifyAsync_Absent_CreatesOnlyIfNoneMatchAndWins()
    {
        var service = new ScriptedBlobService().ThenCreated("\"0x1\"");

        var verified = await CreateOrVerifyAsync(service, Mine);

        Assert.Equal(Verdict.Created, verified.Verdict);
        Assert.Equal(new ETag("\"0x1\""), verified.ETag);
        var put = Assert.Single(service.Requests);
        Assert.Equal(("PUT", "*", (string?)null), (put.Method, put.IfNoneMatch, put.IfMatch));
        Assert.Equal(Mine.ToJson(), put.Body);
    }

    [Fact]
    public async Task CreateOrVerifyAsync_LosesToAnEqualDocument_IsTheSameAndWritesNothingMore()
    {
        var service = new ScriptedBlobService().ThenError(HttpStatusCode.Conflict, "BlobAlreadyExists").ThenStored(SameContentOtherAgent.ToJson(), "\"0x2\"");

        var verified = await CreateOrVerifyAsync(service, Mine);

        Assert.Equal(Verdict.Same, verified.Verdict);
        Assert.Null(verified.ETag);
        Assert.Equal("agent-b", verified.Stored!.ClaimedBy);
        Assert.Equal(["PUT", "GET"], service.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task CreateOrVerifyAsync_LosesToADifferentDocument_IsDifferentAndNeverOverwrites()
    {
        var service = new ScriptedBlobService().ThenError(HttpStatusCode.Conflict, "BlobAlreadyExists").ThenStored(OtherContent.ToJson(), "\"0x3\"");

        var verified = await CreateOrVerifyAsync(service, Mine);

        Assert.Equal(Verdict.Different, verified.Verdict);
        Assert.Null(verified.ETag);
        Assert.Equal("agent-c", verified.Stored!.ClaimedBy);
        Assert.Equal(["PUT", "GET"], service.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task SettleAsync_ReplaceLosesARace_ReadsAgainAndReplacesWhatItReadLast()
    {
        var released = OtherContent with { Released = true };
        var service = new ScriptedBlobService()
            .ThenStored(released.ToJson(), "\"0x4\"")
            .ThenError(HttpStatusCode.PreconditionFailed, "ConditionNotMet")
            .ThenStored((released with { ClaimedBy = "agent-d" }).ToJson(), "\"0x5\"")
            .ThenCreated("\"0x6\"");
        var seen = new List<string?>();

        var written = await service.Store.SettleAsync(Blob(service), "Claiming", ReleaseClaim.Codec, readFirst: true, stored =>
        {
            seen.Add(stored?.Value?.ClaimedBy);
            return stored?.Value is { Released: true } ? Mine : null;
        }, CancellationToken.None);

        Assert.Equal(new ETag("\"0x6\""), written);
        Assert.Equal(["agent-c", "agent-d"], seen);
        Assert.Equal(
            [("GET", null), ("PUT", "\"0x4\""), ("GET", null), ("PUT", "\"0x5\"")],
            service.Requests.Select(r => (r.Method, r.IfMatch)));
    }

    [Fact]
    public async Task SettleAsync_LosesEveryTurn_ThrowsTheConflictAfterItsBound()
    {
        var service = new ScriptedBlobService();
        for (var turn = 0; turn < 3; turn++)
        {
            service.ThenStored(OtherContent.ToJson(), $"\"0x{turn}\"").ThenError(HttpStatusCode.PreconditionFailed, "ConditionNotMet");
        }

        var conflict = await Assert.ThrowsAsync<RequestFailureException>(() =>
            service.Store.SettleAsync(Blob(service), "Claiming", ReleaseClaim.Codec, readFirst: true, _ => Mine, CancellationToken.None, maxTurns: 3));

        Assert.Equal(FaultKind.AlreadyExists, conflict.Kind);
        Assert.Equal(6, service.Requests.Count);
    }

    [Fact]
    public async Task CreateOrVerifyAsync_Transient503_IsRetriedByThePipelineOnTheRunsClock()
    {
        var service = new ScriptedBlobService().ThenError(HttpStatusCode.ServiceUnavailable, "ServerBusy").ThenCreated("\"0x7\"");

        var create = CreateOrVerifyAsync(service, Mine);
        Assert.True(await service.Received.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(200);
        // The retry waits on the run's clock (the pipeline's backoff), not on a loop of its own.
        Assert.False(create.IsCompleted);
        for (var step = 0; step < 100 && !create.IsCompleted; step++)
        {
            service.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }

        var verified = await create.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Verdict.Created, verified.Verdict);
        Assert.Equal([("PUT", "*"), ("PUT", "*")], service.Requests.Select(r => (r.Method, r.IfNoneMatch)));
    }

    private static Azure.Storage.Blobs.BlobClient Blob(ScriptedBlobService service) => service.Container.GetBlobClient(BlobName);

    private static Task<Verified<ReleaseClaim>> CreateOrVerifyAsync(ScriptedBlobService service, ReleaseClaim mine) =>
        service.Store.CreateOrVerifyAsync(Blob(service), "Claiming", ReleaseClaim.Codec, mine, stored => stored?.ContentDigest == mine.ContentDigest, CancellationToken.None);

    private static ReleaseClaim Claim(string by, params ArtifactContent[] artifacts) =>
        new("1.0", ReleaseClaim.DigestOf(artifacts), DateTimeOffset.UnixEpoch, by, artifacts);
}
