using ReleaseTargets.Composition;

namespace ReleaseTargets.Tests.Composition;

/// <summary>The README names the public types a build author sees; PublicAPI.Shipped.txt locks their members at build time.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicTypes_AreExactlyTheOnesTheReadmeNames()
    {
        string[] expected =
        [
            "ArtifactOutcome", "ArtifactResult", "ConsoleReleaseLog", "CredentialSource", "ForecastOptions", "IReleaseLog", "ImageResult",
            "LoggerReleaseLog", "PushFailedException", "PushForecast", "PushReport", "ReleaseBuild", "ReleaseBuildSettings",
            "ReleaseConfigurationException", "ReleaseLogExtensions", "ReleaseLogLevel", "ReleaseOptions", "ReleaseTargetsException",
            "SasLifetimeOptions", "SasWindow", "SealReport", "VerifyReport", "VerifyStatus", "VerifyFinding", "FetchReport", "FetchedFile", "FetchOutcome",
        ];

        var exported = typeof(ReleaseBuild).Assembly.GetExportedTypes().Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected.Order(StringComparer.Ordinal), exported);
        var readme = File.ReadAllText(Path.Combine(Infrastructure.RepositoryRoot.Path, "README.md"));
        Assert.All(expected, name => Assert.Contains($"`{name}`", readme, StringComparison.Ordinal));
        Assert.Contains($"The public API** is {expected.Length} types", readme, StringComparison.Ordinal);
    }
}

/// <summary>The README's Layout promises that ReleaseRun only sequences: small, and no state filled in later.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void ReleaseRun_UnderOneHundredFiftyLinesWithNoNullableField()
    {
        var lines = File.ReadAllLines(Path.Combine(Infrastructure.RepositoryRoot.Path, "src", "ReleaseTargets", "ReleaseRun.cs"));

        Assert.True(lines.Length < 150, $"ReleaseRun.cs has {lines.Length} lines.");
        Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*private (readonly )?[\w<>.,\s]+\? _\w+;"));
        Assert.Contains("under 150 lines, no nullable state", File.ReadAllText(Path.Combine(Infrastructure.RepositoryRoot.Path, "README.md")), StringComparison.Ordinal);
    }
}
