using System.Text.Json;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>
/// A C# build outside this repository — the shape of a NUKE build project — takes ReleaseTargets with a PackageReference
/// from the packages <c>./build.sh Build</c> wrote, and composes Build → RefreshCredentials → Push with one call
/// (<see cref="ReleaseTargets.Composition.ReleaseBuild"/>). Run from its project folder, a subfolder of its root (the folder holding <c>.nuke/</c>).
/// </summary>
[Collection("EndToEnd")]
public sealed class CodeFirstConsumerTests(PackedModule module)
{
    private const string Consumer = "tests/consumers/codefirst";

    [Fact]
    public async Task DotnetRun_Push_ThreeStagesAgainstAzuriteHistorySavedEmulatorStopped()
    {
        using var root = await ConsumerAsync();

        var (exitCode, output) = await root.RunAsync("bash", "-c \"cd build && dotnet run -- Push --configuration=Release\"");

        Assert.True(exitCode == 0, output);
        var build = output.IndexOf("Stage Build:", StringComparison.Ordinal);
        var refresh = output.IndexOf("Stage RefreshCredentials:", StringComparison.Ordinal);
        var push = output.IndexOf("Stage Push:", StringComparison.Ordinal);
        Assert.True(build >= 0 && build < refresh && refresh < push, output);
        Assert.Contains("/releases/3.0.0-codefirst/release-manifest.json", output, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", output, StringComparison.Ordinal);

        // Relative paths mean the root (the folder holding .nuke/), not the build project's folder.
        Assert.True(File.Exists(Path.Combine(root.Root, "artifacts", "app.bin")), output);
        using var history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root.Root, ".nuke/temp/stage-history.json")));
        Assert.Equal(["Build", "RefreshCredentials", "Push"], history.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("stage").GetString()));
        Assert.Empty(CancellationTests.AzuriteProcessesOn(Path.Combine(root.Root, ".nuke/temp/azurite/data")));

        // The read side through the same one call (issue 22): no Build stage, a read + list SAS of its own.
        var (verifyExit, verified) = await root.RunAsync("bash", "-c \"cd build && dotnet run --no-build -- Verify --download --configuration=Release\"");
        Assert.True(verifyExit == 0, verified);
        Assert.Contains("Verify complete: release '3.0.0-codefirst' Verified", verified, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build:", verified, StringComparison.Ordinal);
        var (fetchExit, fetched) = await root.RunAsync("bash", "-c \"cd build && dotnet run --no-build -- Fetch --to=fetched --artifacts=app.bin --configuration=Release\"");
        Assert.True(fetchExit == 0, fetched);
        Assert.Equal(["SHA256SUMS", "app.bin"], Directory.GetFiles(Path.Combine(root.Root, "fetched")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(root.Root, "artifacts", "app.bin")), await File.ReadAllBytesAsync(Path.Combine(root.Root, "fetched", "app.bin")));

        await using var release = await PublishedRelease.OpenAsync(root.Root);
        await release.AssertPublishedAsync("3.0.0-codefirst", Path.Combine(root.Root, "artifacts"), "app.bin", "notes.txt");
    }

    [Fact]
    public async Task DotnetRun_MisspeltParameter_FailsBeforeBuildNamingIt()
    {
        using var root = await ConsumerAsync();

        var (exitCode, output) = await root.RunAsync("bash", "-c \"cd build && dotnet run -- Push --contaner=releases --configuration=Release\"");

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown parameter '--contaner'. Known parameters: --storage-url, --container", output, StringComparison.Ordinal);
        Assert.DoesNotContain("configuration", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root.Root, "artifacts")), output);
    }

    [Theory]
    [InlineData("SIGINT", 2, 130)]
    [InlineData("SIGTERM", 15, 143)]
    public async Task SignalMidPush_CancelsInOrderLikeTheCakePath(string name, int signal, int exitCode)
    {
        using var root = await ConsumerAsync();
        var artifacts = Directory.CreateDirectory(Path.Combine(root.Root, "artifacts")).FullName;
        var payload = new byte[128 * 1024 * 1024];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "payload.bin"), payload);
        var publish = await root.RunAsync("dotnet", "build build -o build/out -v q");
        Assert.True(publish.ExitCode == 0, publish.Output);

        var cancelled = await CancellationTests.RunAndSignalAsync(
            Path.Combine(root.Root, "build"), "dotnet out/CodeFirstBuild.dll Push --block-size-mi-b=1 --concurrency=1 --progress-interval=1s", signal);

        Assert.True(cancelled.ExitCode == exitCode, cancelled.Output);
        Assert.Contains($"Cancelling the release ({name}): in-flight requests are being cancelled; staged blocks are kept and a re-run resumes.", cancelled.Output, StringComparison.Ordinal);
        Assert.Contains("Push of release '3.0.0-codefirst' was cancelled after sending ", cancelled.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release manifest:", cancelled.Output, StringComparison.Ordinal);
        Assert.Contains("Stage Push: ", cancelled.Output, StringComparison.Ordinal);
        Assert.Empty(CancellationTests.AzuriteProcessesOn(Path.Combine(root.Root, ".nuke/temp/azurite/data")));
    }

    [Fact]
    public async Task Readme_CodeFirstSnippet_IsTheTestedConsumer()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(ScratchRepository.Source, "README.md"));
        var program = (await File.ReadAllTextAsync(Path.Combine(ScratchRepository.Source, Consumer, "Program.cs"))).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + program + "```\n", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    /// <summary>A root (<c>.nuke/</c>, a nuget.config naming the feed) with the consumer project in <c>build/</c>, referencing the packed version.</summary>
    private async Task<ScratchRepository> ConsumerAsync()
    {
        var root = new ScratchRepository();
        var project = Path.Combine(root.Root, "build");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(ScratchRepository.Source, Consumer, "Program.cs"), Path.Combine(project, "Program.cs"));
        var csproj = await File.ReadAllTextAsync(Path.Combine(ScratchRepository.Source, Consumer, "CodeFirstBuild.csproj"));
        await File.WriteAllTextAsync(Path.Combine(project, "CodeFirstBuild.csproj"), csproj.Replace("{{VERSION}}", module.Version, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(root.Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="releasetargets-build" value="{module.FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
        root.ReuseInstalledAzurite();
        return root;
    }
}
