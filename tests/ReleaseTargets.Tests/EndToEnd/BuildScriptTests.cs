using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>Runs ./build.sh itself, as a user would, on a scratch copy of this repository.</summary>
[Collection("EndToEnd")]
public sealed partial class BuildScriptTests
{
    [Fact]
    public async Task Push_NothingConfigured_RunsThreeStagesInOrderAndLeavesArtifactsInAzurite()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var (exitCode, output) = await scratch.RunAsync("bash", "build.sh Push");

        Assert.True(exitCode == 0, output);
        var build = output.IndexOf("Stage Build:", StringComparison.Ordinal);
        var refresh = output.IndexOf("Stage RefreshCredentials:", StringComparison.Ordinal);
        var push = output.IndexOf("Stage Push:", StringComparison.Ordinal);
        Assert.True(build >= 0 && build < refresh && refresh < push, output);
        Assert.Matches(SasLine(), output);
        Assert.DoesNotContain("sig=", output, StringComparison.Ordinal);

        var artifacts = Directory.GetFiles(Path.Combine(scratch.Root, "artifacts"), "*.nupkg");
        Assert.Equal(2, artifacts.Length);
        await using var release = await PublishedRelease.OpenAsync(scratch.Root);
        var container = release.Container;
        var manifest = ReleaseManifest.FromJson((await container.GetBlobClient(ManifestName(output)).DownloadContentAsync()).Value.Content.ToString())!;
        Assert.Equal(artifacts.Select(Path.GetFileName).Order(), manifest.Artifacts.Select(a => a.Name).Order());
        foreach (var file in artifacts)
        {
            var properties = (await container.GetBlobClient($"{manifest.Version}/{Path.GetFileName(file)}").GetPropertiesAsync()).Value;
            Assert.Equal(MD5.HashData(await File.ReadAllBytesAsync(file)), properties.ContentHash);
        }
    }

    [Fact]
    public async Task Push_SecondRun_ForecastsFromTheFirstRunsDurations()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var first = await scratch.RunAsync("bash", "build.sh Push");
        var second = await scratch.RunAsync("bash", "build.sh Push --exclusive --release-version=9.9.9");

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("cold start", SasLine().Match(first.Output).Value, StringComparison.Ordinal);
        Assert.Contains("from 1 comparable push", SasLine().Match(second.Output).Value, StringComparison.Ordinal);
        using var history = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(scratch.Root, ".nuke/temp/stage-history.json")));
        var records = history.RootElement.GetProperty("records").EnumerateArray().ToList();
        var stages = records.Select(r => r.GetProperty("stage").GetString()).ToList();
        Assert.Equal(2, stages.Count(s => s == "Push"));
        Assert.Equal(1, stages.Count(s => s == "Build"));

        // Every push records the forecast it was sized to next to its duration, in the history and in push-report.json (in the state folder).
        Assert.All(records.Where(r => r.GetProperty("stage").GetString() == "Push"), r => Assert.True(r.TryGetProperty("forecast", out _), r.ToString()));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(scratch.Root, ".nuke/temp/push-report.json")));
        Assert.Equal("1 comparable push", report.RootElement.GetProperty("forecastBasis").GetString());
        Assert.True(report.RootElement.TryGetProperty("forecastEstimate", out _), report.RootElement.ToString());
    }

    [Fact]
    public async Task UnknownTarget_ListsTheAvailableOnes()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var (exitCode, output) = await scratch.RunAsync("bash", "build.sh Deploy");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown target 'Deploy'. Available targets: ", output, StringComparison.Ordinal);
        Assert.Contains("RefreshCredentials", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownParameter_FailsBeforeBuildWithTheKnownList()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var (exitCode, output) = await scratch.RunAsync("bash", "build.sh Push --contaner=releases");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown parameter '--contaner'. Known parameters: --storage-url, --container", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(scratch.Root, "artifacts")));
    }

    [Fact]
    public async Task GitHubCredentialWithoutItsVariables_FailsBeforeBuildNamingThem()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();
        var environment = new Dictionary<string, string> { ["ACTIONS_ID_TOKEN_REQUEST_URL"] = "", ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "", ["AZURE_CLIENT_ID"] = "", ["AZURE_TENANT_ID"] = "" };

        var (exitCode, output) = await scratch.RunAsync("bash", "build.sh Push --storage-url=https://example.blob.core.windows.net --credential=GitHubActions", environment);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Credential 'GitHubActions' needs ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(scratch.Root, "artifacts")));
    }

    private static string ManifestName(string output) => ManifestLine().Match(output).Groups["name"].Value;

    [GeneratedRegex(@"SAS valid \d\d:\d\d–[^(]+ UTC \([^)]*\)")]
    private static partial Regex SasLine();

    [GeneratedRegex(@"Release manifest: https://127\.0\.0\.1:\d+/devstoreaccount1/releases/(?<name>\S+)")]
    private static partial Regex ManifestLine();
}

/// <summary>End-to-end tests run one at a time; the consumer tests share one <c>./build.sh Build</c> of the packages.</summary>
[CollectionDefinition("EndToEnd", DisableParallelization = true)]
public sealed class EndToEndCollection : ICollectionFixture<PackedModule>;
