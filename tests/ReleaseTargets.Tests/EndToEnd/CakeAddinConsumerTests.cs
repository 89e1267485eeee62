using System.Security.Cryptography;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>
/// A Cake build outside this repository takes the module the way Cake builds take extensions — <c>#addin nuget:</c> for
/// the aliases, <c>#load nuget:</c> for the recipe — from the packages <c>./build.sh Build</c> wrote, and composes
/// RefreshCredentials and Push onto its own Build task.
/// </summary>
[Collection("EndToEnd")]
public sealed class CakeAddinConsumerTests(PackedModule module)
{
    [Fact]
    public async Task Push_FromTheNuGetFeed_PublishesTheConsumersArtifactsWhole()
    {
        using var consumer = await ConsumerAsync();

        var (exitCode, output) = await consumer.RunAsync("dotnet", "cake build.cake --target=Push");

        Assert.True(exitCode == 0, output);
        Assert.Contains("app.bin (293.0 KiB) → ", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("Stage Build:", StringComparison.Ordinal) < output.IndexOf("Stage Push:", StringComparison.Ordinal), output);
        Assert.True(Directory.Exists(Path.Combine(consumer.Root, "tools", "Addins", $"ReleaseTargets.Cake.{module.Version}")), "Cake installed the addin from the feed");

        // The read side through the same recipe (issue 22): Verify reads every byte; Fetch downloads into --to, verified.
        var (verifyExit, verified) = await consumer.RunAsync("dotnet", "cake build.cake --target=Verify --download");
        Assert.True(verifyExit == 0, verified);
        Assert.Contains("Verify complete: release '2.0.0-consumer' Verified, 2 artifacts checked — every byte read and hashed", verified, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build:", verified, StringComparison.Ordinal);
        var (fetchExit, fetched) = await consumer.RunAsync("dotnet", "cake build.cake --target=Fetch --to=fetched");
        Assert.True(fetchExit == 0, fetched);
        foreach (var name in new[] { "app.bin", "notes.txt" })
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(consumer.Root, "artifacts", name)), await File.ReadAllBytesAsync(Path.Combine(consumer.Root, "fetched", name)));
        }

        var (sumsExit, sums) = await consumer.RunAsync("bash", "-c \"cd fetched && sha256sum -c SHA256SUMS\"");
        Assert.True(sumsExit == 0, sums);

        await using var release = await PublishedRelease.OpenAsync(consumer.Root);
        var manifest = await release.AssertPublishedAsync("2.0.0-consumer", Path.Combine(consumer.Root, "artifacts"), "app.bin", "notes.txt");
        foreach (var artifact in manifest.Artifacts)
        {
            var source = await File.ReadAllBytesAsync(Path.Combine(consumer.Root, "artifacts", artifact.Name));
            Assert.Equal(Convert.ToBase64String(MD5.HashData(source)), artifact.Md5);
        }
    }

    [Fact]
    public async Task Push_BadParameter_FailsBeforeBuildNamingIt()
    {
        using var consumer = await ConsumerAsync();

        var (exitCode, output) = await consumer.RunAsync("dotnet", "cake build.cake --target=Push --block-size-mi-b=0");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--block-size-mi-b '0' is not a whole number from 1 to 1024", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(consumer.Root, "artifacts")), output);
    }

    /// <summary>A folder holding only the consumer's build.cake (the feed and version filled in) and its Cake tool manifest.</summary>
    private async Task<ScratchRepository> ConsumerAsync()
    {
        var consumer = new ScratchRepository();
        var script = (await File.ReadAllTextAsync(Path.Combine(ScratchRepository.Source, "tests/consumers/cake/build.cake")))
            .Replace("{{FEED}}", module.Feed, StringComparison.Ordinal)
            .Replace("{{VERSION}}", module.Version, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(consumer.Root, "build.cake"), script);
        ScratchRepository.Copy(Path.Combine(ScratchRepository.Source, ".config"), Path.Combine(consumer.Root, ".config"));
        consumer.ReuseInstalledAzurite();
        var restore = await consumer.RunAsync("dotnet", "tool restore");
        Assert.True(restore.ExitCode == 0, restore.Output);
        return consumer;
    }
}
