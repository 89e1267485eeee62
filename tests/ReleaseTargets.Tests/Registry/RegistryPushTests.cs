using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>Image pushes against a real docker-registry, checked with skopeo (an independent client).</summary>
public sealed class RegistryPushTests
{
    [Fact]
    public async Task Basic_auth_push_is_served_under_the_tag_with_every_blob_intact()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 1, 700_000, 300_000, 5);

        var result = await harness.PushAsync(layout, "team/app", "1.0.0", "latest");

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(digest, result.Digest);
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, "team/app", "1.0.0"));
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, "team/app", "latest"));
        var served = await Skopeo.CopyBlobsAsync(harness.Registry, "team/app", "1.0.0", Path.Combine(harness.Root, "copy"));
        var sent = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Select(Path.GetFileName).Where(n => "sha256:" + n != digest).Order(StringComparer.Ordinal);
        Assert.Equal(sent, served);
        Assert.DoesNotContain(DockerRegistry.Password, harness.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_auth_push_asks_one_token_for_the_repository_scope()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 2, 600_000, 1000);

        var result = await harness.PushAsync(layout, "team/app", "2.0.0");

        Assert.Equal(ArtifactOutcome.Uploaded, result.Outcome);
        Assert.Equal(1, harness.Tokens!.Issued);
        Assert.Equal(["repository:team/app:pull,push"], harness.Tokens.Scopes.ToArray());
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, "team/app", "2.0.0"));
    }

    [Fact]
    public async Task A_second_push_skips_every_blob_already_there()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 3, 500_000, 2000);
        await harness.PushAsync(layout, "team/app", "1");
        harness.Proxy.Reset();

        var again = await harness.PushAsync(layout, "team/app", "1");

        Assert.Equal(ArtifactOutcome.Skipped, again.Outcome);
        Assert.Equal(3, again.BlobsReused);
        Assert.Equal(0, harness.Count("/blobs/uploads/"));
        Assert.Equal(0, again.BytesSent);
    }

    [Fact]
    public async Task Blobs_are_mounted_from_another_repository_when_asked_instead_of_sent()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 4, 500_000, 3000);
        var image = await OciLayoutReader.ReadAsync(layout, "app", CancellationToken.None);
        await harness.PushAsync(layout, "team/base", "1");
        harness.Proxy.Reset();

        var results = await harness.PushAllAsync([new RegistryImage(image, "team/app")], ["1"], mountFrom: "team/base");

        var mounted = Assert.Single(results);
        Assert.Equal(ArtifactOutcome.Skipped, mounted.Outcome); // nothing sent: every blob was there or mounted
        Assert.Equal(3, mounted.BlobsReused);
        Assert.Equal(0, harness.Count("/blobs/uploads/", "PATCH"));
        Assert.Equal(3, harness.Proxy.Count(r => r.Method == "POST" && r.Query.Contains("mount=", StringComparison.Ordinal) && r.ClientStatus == 201));
        Assert.Contains("repository:team/base:pull", harness.Tokens!.Scopes);
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, "team/app", "1"));
    }
}
