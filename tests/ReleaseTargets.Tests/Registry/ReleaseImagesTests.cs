using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>A whole release (RefreshCredentials → Push on a real Azurite) with an image layout in the artifacts folder.</summary>
[Collection("Azurite")]
public sealed class ReleaseImagesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_layout_in_the_artifacts_goes_to_the_registry_first_and_not_into_storage()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000));
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Basic);
        var digest = await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 30, 400_000, 100);
        harness.Environment[ReleaseImages.UsernameVariable] = DockerRegistry.Username;
        harness.Environment[ReleaseImages.PasswordVariable] = DockerRegistry.Password;

        var report = await harness.PushAsync(harness.Options(o =>
        {
            o.Registry = registry.BaseUri;
            o.Repository = "team/web";
            o.ImageTags = $"{harness.Version};latest";
        }));

        var image = Assert.Single(report.Images!);
        Assert.Equal(ArtifactOutcome.Uploaded, image.Outcome);
        Assert.Equal($"{registry.Host}/team/web:{harness.Version}", image.Reference);
        Assert.Equal(digest, await Skopeo.DigestAsync(registry, "team/web", harness.Version));
        Assert.Equal(digest, await Skopeo.DigestAsync(registry, "team/web", "latest"));
        await harness.AssertManifestCompleteAsync("app.txt");
        Assert.False(await harness.ExistsAsync($"{harness.Version}/web/index.json"));
        var json = await File.ReadAllTextAsync(harness.ReportPath);
        Assert.Contains(digest, json, StringComparison.Ordinal);
        Assert.DoesNotContain(DockerRegistry.Password, harness.Log.Text + json, StringComparison.Ordinal);
        // The Push stage's record (what later SAS windows are sized from) counts the image's bytes with the files'.
        var push = harness.LastRun!.Stages.Single(s => s.Stage == ReleaseTargets.Stages.ReleaseStages.Push);
        Assert.Equal(report.BytesSent + image.BytesSent, push.Bytes);
        Assert.Equal(2, push.Files);
    }

    [Fact]
    public async Task With_an_artifact_repository_the_files_also_go_to_the_registry_as_one_oci_artifact()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000), ("notes.md", 10));
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.None);

        var report = await harness.PushAsync(harness.Options(o =>
        {
            o.Registry = registry.BaseUri;
            o.ArtifactRepository = "team/release-files";
        }));

        var artifact = Assert.Single(report.Images!);
        Assert.Equal(ArtifactOutcome.Uploaded, artifact.Outcome);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(await Skopeo.RawManifestAsync(registry, "team/release-files", harness.Version))!;
        Assert.Equal(OciMediaTypes.ReleaseArtifact, manifest["artifactType"]!.GetValue<string>());
        Assert.Equal(["app.txt", "notes.md"], manifest["layers"]!.AsArray().Select(l => l!["annotations"]![OciMediaTypes.TitleAnnotation]!.GetValue<string>()).Order());
        await harness.AssertManifestCompleteAsync("app.txt", "notes.md");
    }

    [Fact]
    public async Task With_no_registry_set_a_local_docker_registry_is_started_and_stopped()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 100));
        var digest = await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 31, 1000);

        var report = await harness.PushAsync();

        var image = Assert.Single(report.Images!);
        Assert.Equal(ArtifactOutcome.Uploaded, image.Outcome);
        Assert.Equal(digest, image.Digest);
        Assert.StartsWith("127.0.0.1:", image.Reference, StringComparison.Ordinal);
        Assert.EndsWith($"/web:{harness.Version}", image.Reference, StringComparison.Ordinal);
        Assert.Contains("docker-registry listening on http://127.0.0.1:", harness.Log.Text, StringComparison.Ordinal);
        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://{image.Reference.Split('/')[0]}/v2/")));
    }

    [Fact]
    public async Task A_failed_image_stops_the_release_before_any_file_is_sent()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000));
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Basic);
        await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 32, 1000);
        harness.Environment[ReleaseImages.UsernameVariable] = DockerRegistry.Username;
        harness.Environment[ReleaseImages.PasswordVariable] = "wrong-password-123";

        var failed = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => harness.PushAsync(harness.Options(o => o.Registry = registry.BaseUri)));

        Assert.Contains($"refused user '{DockerRegistry.Username}': check RELEASETARGETS_REGISTRY_USERNAME", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.PutBlocks + harness.Proxy.Count(r => r.Method == "PUT" && r.BlobName == $"{harness.Version}/app.txt"));
        await harness.AssertManifestAbsentAsync();
        Assert.DoesNotContain("wrong-password-123", failed.Message + harness.Log.Text, StringComparison.Ordinal);
    }
}
