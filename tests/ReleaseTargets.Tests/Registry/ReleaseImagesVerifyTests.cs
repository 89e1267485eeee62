using ReleaseTargets.Push.Publication;
using ReleaseTargets.Registry;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Tests.Registry;

/// <summary>
/// Issue 22, images: a release's manifest records every image it pushed, and Verify (a run of its own, as a later job runs
/// it) checks each tag and blob on the registry.
/// </summary>
[Collection("Azurite")]
public sealed class ReleaseImagesVerifyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Verify_ImageOnItsRegistry_IsCheckedAndALayerGoneFromTheRegistryFailsNamingIt()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 1000));
        await using var registry = await DockerRegistry.StartAsync(RegistryAuthMode.Basic);
        var layout = Path.Combine(harness.ArtifactsDirectory, "web");
        var digest = await OciLayoutWriter.WriteAsync(layout, seed: 90, 300_000, 100);
        harness.Environment[ReleaseImages.UsernameVariable] = DockerRegistry.Username;
        harness.Environment[ReleaseImages.PasswordVariable] = DockerRegistry.Password;
        var options = harness.Options(o =>
        {
            o.Registry = registry.BaseUri;
            o.Repository = "team/web";
            o.ImageTags = $"{harness.Version};latest";
        });
        await harness.PushAsync(options);

        var manifest = ReleaseManifest.FromJson((await harness.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(harness.Version)).DownloadContentAsync()).Value.Content.ToString())!;
        var recorded = Assert.Single(manifest.Images!);
        Assert.Equal(("web", registry.BaseUri.Authority, "team/web", digest), (recorded.Name, recorded.Registry, recorded.Repository, recorded.Digest));
        Assert.Equal([harness.Version, "latest"], recorded.Tags);

        var clean = await VerifyAsync(harness, options);
        Assert.Equal(VerifyStatus.Verified, clean.Report!.Status);
        Assert.Contains($"Verified image 'web' ({registry.BaseUri.Authority}/team/web@{digest}): 2 tag(s)", clean.Log.Text, StringComparison.Ordinal);

        var layer = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Select(f => new FileInfo(f)).Single(f => f.Length == 300_000).Name;
        File.Delete(Path.Combine(registry.Folder, "data", "docker", "registry", "v2", "blobs", "sha256", layer[..2], layer, "data"));

        var broken = await VerifyAsync(harness, options);
        Assert.Null(broken.Report);
        Assert.Contains($"blob sha256:{layer} (300000 bytes, named by manifest {digest}) is missing from the repository", broken.Failure!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DockerRegistry.Password, broken.Log.Text + broken.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ImageOnTheLocalRegistry_StartsItAgainOverTheStateFolderAndChecksIt()
    {
        await using var harness = await PushHarness.StartAsync(azurite, ("app.txt", 100));
        var digest = await OciLayoutWriter.WriteAsync(Path.Combine(harness.ArtifactsDirectory, "web"), seed: 91, 1000);
        await harness.PushAsync();

        var verified = await VerifyAsync(harness, harness.Options());

        Assert.Equal(VerifyStatus.Verified, verified.Report!.Status);
        Assert.Contains($"/web@{digest}): 1 tag(s)", verified.Log.Text, StringComparison.Ordinal);
    }

    /// <summary>Verify in a run of its own, as a later job runs it: the report, or the failure it ended with.</summary>
    private async Task<(VerifyReport? Report, ReleaseTargetsException? Failure, CapturingLog Log)> VerifyAsync(PushHarness harness, ReleaseTargets.Configuration.ReleaseOptions options)
    {
        var log = new CapturingLog();
        var target = new StorageTarget(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreateTokenCredential(), azurite.Emulator.CreatePinnedHandler(), IsEmulator: true);
        await using var run = new ReleaseRun(options, log, TimeProvider.System, harness.Environment, target);
        try
        {
            return (await run.VerifyAsync(), null, log);
        }
        catch (ReleaseTargetsException failure)
        {
            return (null, failure, log);
        }
        finally
        {
            await run.CompleteAsync(succeeded: true);
        }
    }
}
