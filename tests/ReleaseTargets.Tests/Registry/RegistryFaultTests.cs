using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>
/// Each fault of the issue injected by the fault proxy between the push and a real docker-registry; each test proves the
/// image under the tag is exactly the layout (skopeo) or that no tag was written.
/// </summary>
public sealed class RegistryFaultTests
{
    private const string Repository = "team/app";
    private const string Tag = "1.0.0";

    private static readonly FaultMatch Patch = new() { Method = "PATCH", PathContains = "/blobs/uploads/" };
    private static readonly FaultMatch StartUpload = new() { Method = "POST", PathContains = "/blobs/uploads/" };
    private static readonly FaultMatch PutManifest = new() { Method = "PUT", PathContains = "/manifests/" };

    [Fact]
    public async Task A_401_mid_push_renews_the_token_and_retries_that_request_in_the_same_upload_session()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 10, 900_000, 400_000);
        var expired = harness.Proxy.AddRule(Patch, FaultAction.RegistryStatus(401, "UNAUTHORIZED", new Dictionary<string, string>
        {
            ["WWW-Authenticate"] = $"Bearer realm=\"{harness.Tokens!.Realm}\",service=\"{TokenServer.Service}\",scope=\"repository:{Repository}:pull,push\",error=\"invalid_token\"",
        }), FaultSelection.Nth(2));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(1, expired.FiredCount);
        Assert.Equal(2, harness.Tokens.Issued);
        Assert.Equal(1, harness.Publisher!.Renewals);
        Assert.Equal(3, harness.Count("/blobs/uploads/", "POST")); // one session per blob: none restarted
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_token_without_push_scope_fails_clearly_after_one_fresh_token_and_writes_no_tag()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        harness.Tokens!.GrantedActions = ["pull"];
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 11, 100_000);

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Failed, result.Outcome);
        Assert.Contains("insufficient_scope", result.Error, StringComparison.Ordinal);
        Assert.Contains($"'{Repository}'", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, harness.Tokens.Issued);
        Assert.Null(await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_transient_403_on_blob_upload_reauthenticates_first_and_succeeds()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 12, 800_000);
        var denied = harness.Proxy.AddRule(Patch, FaultAction.RegistryStatus(403, "DENIED"), FaultSelection.Nth(2));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(1, denied.FiredCount);
        Assert.Equal(2, harness.Tokens!.Issued);
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_403_denied_twice_in_a_row_fails_fast_naming_the_repository()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 13, 100_000);
        harness.Proxy.AddRule(StartUpload, FaultAction.RegistryStatus(403, "DENIED"));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Failed, result.Outcome);
        Assert.Contains($"denied access to '{Repository}' twice in a row", result.Error, StringComparison.Ordinal);
        Assert.Contains("after 2 attempts", result.Error, StringComparison.Ordinal);
        Assert.InRange(harness.Count("/blobs/uploads/", "POST"), 2, 4); // two tries of each blob started at most (layer and config run at once)
        Assert.Equal(0, harness.Count("/manifests/", "PUT"));
        Assert.Null(await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_404_blob_upload_unknown_restarts_only_that_blobs_session()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 14, 900_000);
        var unknown = harness.Proxy.AddRule(Patch, FaultAction.RegistryStatus(404, "BLOB_UPLOAD_UNKNOWN"), FaultSelection.Nth(3));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(1, unknown.FiredCount);
        Assert.Equal(2 + 1, harness.Count("/blobs/uploads/", "POST")); // layer and config, plus one new session
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_429_with_retry_after_on_manifest_put_waits_at_least_that_long()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 15, 50_000);
        harness.Proxy.AddRule(PutManifest, FaultAction.RegistryStatus(429, "TOOMANYREQUESTS", FaultAction.RetryAfter(TimeSpan.FromSeconds(1))), FaultSelection.FirstN(1));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        var puts = harness.Proxy.Requests.Where(r => r.Method == "PUT" && r.Path.Contains("/manifests/", StringComparison.Ordinal)).ToList();
        Assert.Equal(429, puts[0].ClientStatus);
        // A lower bound only (timers may fire a millisecond early): without Retry-After the retry came after ~20 ms.
        Assert.True(puts[1].Time - puts[0].Time >= TimeSpan.FromSeconds(0.9), $"retried after {puts[1].Time - puts[0].Time}");
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_500_then_a_503_on_manifest_put_are_retried_and_the_tag_is_whole()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 16, 50_000);
        var tagPut = PutManifest with { PathContains = "/manifests/" + Tag };
        var first = harness.Proxy.AddRule(tagPut, FaultAction.RegistryStatus(500, "UNKNOWN"), FaultSelection.FirstN(1));
        var second = harness.Proxy.AddRule(tagPut, FaultAction.RegistryStatus(503, "UNAVAILABLE"), FaultSelection.FirstN(1));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal((1, 1), (first.FiredCount, second.FiredCount));
        Assert.Equal(2, result.Retries);
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task A_reset_mid_patch_resumes_from_the_servers_range_without_resending_what_it_holds()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 17, 1_000_000);
        var reset = harness.Proxy.AddRule(Patch, FaultAction.ResetMidBody, FaultSelection.Nth(3));
        var image = await OciLayoutReader.ReadAsync(layout, "app", CancellationToken.None);

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(1, reset.FiredCount);
        Assert.Equal(1, harness.Count("/blobs/uploads/", "GET")); // asked where the session stands, once
        Assert.Equal(2, harness.Count("/blobs/uploads/", "POST")); // and kept it
        Assert.Equal(image.TotalBytes, harness.PatchBytesForwarded()); // every byte reached the registry exactly once
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task The_tag_is_absent_until_everything_it_names_is_there_and_a_rerun_completes_it()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        harness.Retry = harness.Retry with { MaxRetries = 1 };
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 18, 600_000, 300_000);
        var tagPut = harness.Proxy.AddRule(PutManifest with { PathContains = "/manifests/" + Tag }, FaultAction.RegistryStatus(503, "UNAVAILABLE"));

        var failed = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Failed, failed.Outcome);
        Assert.Null(await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
        var requests = harness.Proxy.Requests;
        var firstTag = requests.First(r => r.Path.EndsWith("/manifests/" + Tag, StringComparison.Ordinal)).Sequence;
        Assert.All(requests.Where(r => r.Method is "PATCH" or "POST" || r.Query.Contains("digest=", StringComparison.Ordinal)), r => Assert.True(r.Sequence < firstTag));

        harness.Proxy.RemoveRule(tagPut);
        harness.Proxy.Reset();
        var rerun = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Skipped, rerun.Outcome);
        Assert.Equal(0, harness.Count("/blobs/uploads/"));
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }

    [Fact]
    public async Task Error_text_a_registry_sends_to_forge_log_lines_reaches_result_and_log_as_one_bounded_printable_line()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 19, 100_000);
        var rule = harness.Proxy.AddRule(StartUpload, FaultAction.RegistryStatus(400, Infrastructure.UntrustedText.Payload, message: Infrastructure.UntrustedText.Payload));

        var result = await harness.PushAsync(layout, Repository, Tag);

        Assert.Equal(ArtifactOutcome.Failed, result.Outcome);
        Assert.True(rule.FiredCount >= 1);
        Assert.Contains("title=pwned", result.Error, StringComparison.Ordinal); // it reached the result (and so push-report.json)
        Infrastructure.UntrustedText.AssertClean("result", result.Error!);
        Infrastructure.UntrustedText.AssertClean("log", harness.Log.Text);
        Assert.Null(await Skopeo.DigestAsync(harness.Registry, Repository, Tag));
    }
}
