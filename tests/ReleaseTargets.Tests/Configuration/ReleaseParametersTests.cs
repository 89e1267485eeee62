using ReleaseTargets.Configuration;
using ReleaseTargets.Credentials;

namespace ReleaseTargets.Tests.Configuration;

public sealed class ReleaseParametersTests : IDisposable
{
    private static readonly Dictionary<string, string> None = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("rt-params-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Resolve_NothingSet_UsesBuiltInDefaults()
    {
        var options = ReleaseParameters.Resolve(None, None, null, [], new Dictionary<string, string> { ["ReleaseVersion"] = "1.0.0" });

        Assert.Null(options.StorageUrl);
        Assert.True(options.UsesEmulator);
        Assert.Equal("releases", options.Container);
        Assert.Equal(8, options.BlockSizeMiB);
        Assert.Equal(TimeSpan.FromSeconds(60), options.RetryAfterCap);
        Assert.Equal(CredentialSource.Default, options.Credential);
    }

    [Fact]
    public void Resolve_AllSources_CommandLineBeatsEnvironmentBeatsFileBeatsBuild()
    {
        var file = Path.Combine(_dir, "parameters.json");
        File.WriteAllText(file, """{ "Container": "from-file", "Concurrency": 3, "MaxRetries": 2, "BlockSizeMiB": 4 }""");
        var environment = new Dictionary<string, string> { ["RELEASETARGETS_CONTAINER"] = "from-env", ["RELEASETARGETS_MAX_RETRIES"] = "9" };
        var commandLine = new Dictionary<string, string> { ["container"] = "from-cli" };
        var build = new Dictionary<string, string> { ["ReleaseVersion"] = "2.0.0", ["BlockSizeMiB"] = "16", ["Concurrency"] = "5" };

        var options = ReleaseParameters.Resolve(commandLine, environment, file, [], build);

        Assert.Equal("from-cli", options.Container);
        Assert.Equal(9, options.MaxRetries);
        Assert.Equal(3, options.Concurrency);
        Assert.Equal(4, options.BlockSizeMiB);
        Assert.Equal("2.0.0", options.ReleaseVersion);
    }

    [Fact]
    public void Resolve_NamesInAnySpelling_MapToTheSameParameter()
    {
        foreach (var name in new[] { "storage-url", "StorageUrl", "storage_url", "STORAGEURL" })
        {
            var options = ReleaseParameters.Resolve(new Dictionary<string, string> { [name] = "https://acct.blob.core.windows.net" }, None, null, [], Version);

            Assert.Equal(new Uri("https://acct.blob.core.windows.net"), options.StorageUrl);
        }
    }

    [Fact]
    public void Resolve_SeveralBadValues_OneExceptionNamesEach()
    {
        var commandLine = new Dictionary<string, string>
        {
            ["container"] = "Bad_Name",
            ["storage-url"] = "not a url",
            ["max-retries"] = "many",
            ["retry-after-cap"] = "forever",
            ["credential"] = "Magic",
            ["colour"] = "blue",
        };

        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(commandLine, None, null, ["target"], Version));

        Assert.Equal(6, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("--container 'Bad_Name' is not a valid Azure container name", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("--storage-url 'not a url' is not an absolute URL", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("--max-retries 'many' is not a whole number from 0 to 50. (from command line)", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("--retry-after-cap 'forever' is not a duration from 0s to 1h", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("--credential 'Magic' is not one of Default, AzureCli", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Unknown parameter '--colour'. Known parameters: --storage-url, --container", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_StorageUrlWithSas_IsRefusedWithoutEchoingTheSignature()
    {
        var commandLine = new Dictionary<string, string> { ["storage-url"] = "https://acct.blob.core.windows.net/?sv=2026-06-06&sig=c2VjcmV0c2VjcmV0" };

        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(commandLine, None, null, [], Version));

        Assert.StartsWith("--storage-url must not carry a query string", Assert.Single(error.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PlainHttpToARealAccount_IsRefused()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() =>
            ReleaseParameters.Resolve(new Dictionary<string, string> { ["storage-url"] = "http://acct.blob.core.windows.net" }, None, null, [], Version));

        Assert.Equal("--storage-url 'http://acct.blob.core.windows.net' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData(".", "starting with a letter or digit")]
    [InlineData(".hidden", "starting with a letter or digit")]
    [InlineData("1.2.", "may not end with '.'")]
    [InlineData("a/../b", "may hold only letters")]
    [InlineData("_releasetargets", "can never reach the reserved '_releasetargets/'")]
    public void Resolve_VersionThatWouldMoveTheReleaseOutOfItsPrefix_IsRefused(string version, string expected)
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() =>
            ReleaseParameters.Resolve(new Dictionary<string, string> { ["release-version"] = version }, None, null, []));

        Assert.Contains(expected, Assert.Single(error.Problems), StringComparison.Ordinal);
        Assert.StartsWith($"--release-version '{version}'", error.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_MissingVersion_SaysHowToSetIt()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(None, None, null, []));

        Assert.Equal("--release-version is empty: pass --release-version=1.2.3 (or set it in the build's configuration call).", Assert.Single(error.Problems));
    }

    [Fact]
    public void Resolve_UnknownEnvironmentParameter_IsReported()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() =>
            ReleaseParameters.Resolve(None, new Dictionary<string, string> { ["RELEASETARGETS_CONTAINR"] = "x" }, null, [], Version));

        Assert.StartsWith("Unknown parameter in environment variable 'RELEASETARGETS_CONTAINR'", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_CorruptParametersFile_NamesTheFile()
    {
        var file = Path.Combine(_dir, "parameters.json");
        File.WriteAllText(file, "{ not json");

        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(None, None, file, [], Version));

        Assert.StartsWith($"{file} is not valid JSON", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("0.5h", 1800)]
    [InlineData("00:00:30", 30)]
    public void Resolve_Durations_AcceptShortAndTimeSpanForms(string text, int seconds)
    {
        var options = ReleaseParameters.Resolve(new Dictionary<string, string> { ["per-try-timeout"] = text }, None, null, [], Version);

        Assert.Equal(TimeSpan.FromSeconds(seconds), options.PerTryTimeout);
    }

    [Fact]
    public void Definitions_SpellNamesForEachSource()
    {
        var storageUrl = ReleaseParameters.All.Single(p => p.Name == "StorageUrl");

        Assert.Equal("--storage-url", storageUrl.CommandLineName);
        Assert.Equal("RELEASETARGETS_STORAGE_URL", storageUrl.EnvironmentName);
    }

    private static Dictionary<string, string> Version => new() { ["ReleaseVersion"] = "1.0.0" };
}
