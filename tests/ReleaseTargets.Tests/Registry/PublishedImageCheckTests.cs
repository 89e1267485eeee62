using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Tests.Infrastructure.Registry;

namespace ReleaseTargets.Tests.Registry;

/// <summary>Verify for images against a real docker-registry (through the fault proxy, which counts every request).</summary>
public sealed class PublishedImageCheckTests
{
    [Fact]
    public async Task VerifyAsync_ImagePushedWithTwoTags_FindsNoProblemAfterReadingEveryTagAndBlob()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.None);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 71, 300_000, 2000);
        var published = PublishedImage.From(await harness.PushAsync(layout, "team/app", "1.0.0", "latest"), harness.Proxy.BaseUri, "team/app");
        harness.Proxy.Reset();

        var problems = await VerifyAsync(harness, published);

        Assert.Empty(problems);
        Assert.Equal(["1.0.0", "latest"], published.Tags.ToArray());
        Assert.Equal(3, harness.Count("/manifests/", "GET")); // two tags, then the digest
        Assert.Equal(3, harness.Count("/blobs/sha256:", "HEAD")); // config and two layers
        Assert.Contains(harness.Log.Lines, l => l.Message.Contains("Verified image 'app'", StringComparison.Ordinal) && l.Message.Contains("3 blob(s) present", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_TagMovedToAnotherImage_NamesTheTagTheRecordedAndTheActualDigest()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.None);
        var (first, firstDigest) = await harness.WriteLayoutAsync("app", seed: 72, 100_000);
        var (second, secondDigest) = await harness.WriteLayoutAsync("other", seed: 73, 100_000);
        var published = PublishedImage.From(await harness.PushAsync(first, "team/app", "1.0.0", "latest"), harness.Proxy.BaseUri, "team/app");
        await harness.PushAsync(second, "team/app", "latest");

        var problem = Assert.Single(await VerifyAsync(harness, published));

        Assert.Equal(
            $"Image 'app', {harness.Proxy.BaseUri.Authority}/team/app:latest: the tag resolves to {secondDigest}, not the recorded {firstDigest}: it was moved or overwritten after the release.",
            problem);
    }

    [Fact]
    public async Task VerifyAsync_LayerDeletedFromRegistryStorage_NamesTheMissingBlob()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.None);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 74, 200_000, 3000);
        var published = PublishedImage.From(await harness.PushAsync(layout, "team/app", "1.0.0"), harness.Proxy.BaseUri, "team/app");
        var layer = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Select(f => new FileInfo(f)).Single(f => f.Length == 200_000).Name;
        File.Delete(Path.Combine(harness.Registry.Folder, "data", "docker", "registry", "v2", "blobs", "sha256", layer[..2], layer, "data"));

        var problem = Assert.Single(await VerifyAsync(harness, published));

        Assert.Equal(
            $"Image 'app', {harness.Proxy.BaseUri.Authority}/team/app@{digest}: blob sha256:{layer} (200000 bytes, named by manifest {digest}) is missing from the repository: the image cannot be pulled.",
            problem);
    }

    [Fact]
    public async Task VerifyAsync_BasicAuth_ChecksWithoutThePasswordInAnyProblemOrLogLine()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Basic);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 75, 50_000);
        var published = PublishedImage.From(await harness.PushAsync(layout, "team/app", "1.0.0"), harness.Proxy.BaseUri, "team/app");
        var missing = published with { Tags = ["1.0.0", "gone"] };
        harness.Proxy.Reset();

        var problems = await VerifyAsync(harness, missing);

        // One problem proves the reads were authorised and answered: a refused login would give a different one.
        Assert.Equal([$"Image 'app', {harness.Proxy.BaseUri.Authority}/team/app:gone: not found in the registry (expected {published.Digest})."], problems);
        Assert.Equal(0, harness.Proxy.Count(r => r.ClientStatus == 401 && r.Path.Contains("/team/app/", StringComparison.Ordinal)));
        Assert.DoesNotContain(DockerRegistry.Password, harness.Log.Text, StringComparison.Ordinal);
        Assert.Contains(harness.Log.Lines, l => l.Message.Contains($"login as user '{DockerRegistry.Username}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_TokenAuth_AsksOnlyForPullAndWorksWithAPullOnlyGrant()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.Token);
        var (layout, _) = await harness.WriteLayoutAsync("app", seed: 76, 50_000);
        var published = PublishedImage.From(await harness.PushAsync(layout, "team/app", "1.0.0"), harness.Proxy.BaseUri, "team/app");
        harness.Tokens!.GrantedActions = ["pull"];
        harness.Tokens.Scopes.Clear();

        var problems = await VerifyAsync(harness, published);

        Assert.Empty(problems);
        Assert.Equal(["repository:team/app:pull"], harness.Tokens.Scopes.ToArray());
    }

    [Fact]
    public async Task VerifyAsync_ImageRecordedOnAnotherRegistry_IsReportedNotChecked()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.None);
        var image = new PublishedImage("app", "ghcr.io", "team/app", ["1.0.0"], "sha256:" + new string('a', 64));

        var problem = Assert.Single(await VerifyAsync(harness, image));

        Assert.StartsWith("Image 'app' was published to ghcr.io/team/app@sha256:aaaa", problem, StringComparison.Ordinal);
        Assert.Contains($"not to {harness.Proxy.BaseUri.Authority}: not checked", problem, StringComparison.Ordinal);
        Assert.Equal(0, harness.Count("/v2/"));
    }

    private static async Task<IReadOnlyList<string>> VerifyAsync(RegistryHarness harness, params PublishedImage[] images)
    {
        using var check = new PublishedImageCheck(harness.Proxy.BaseUri, harness.Credentials, harness.Retry, TimeProvider.System, harness.Log, new Redactor());
        return await check.VerifyAsync(images, CancellationToken.None);
    }
}
