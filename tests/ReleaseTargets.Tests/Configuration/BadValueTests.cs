using ReleaseTargets.Configuration;

namespace ReleaseTargets.Tests.Configuration;

/// <summary>Values observed to fail late (issue 10, "Bad values"): each is refused at resolution, named as typed, with the fix.</summary>
public sealed class BadValueTests
{
    private const string BlockSizeWhy =
        "each block is buffered in memory, up to --concurrency blocks at once, so this tool allows at most 1024 MiB (the service itself allows 4000 MiB).";

    private static readonly Dictionary<string, string> None = new();

    [Theory]
    [InlineData("2048")]
    [InlineData("4000")]
    [InlineData("0")]
    [InlineData("99999999999")]
    public void Resolve_BlockSizeOutOfRange_NamesTheParameterTheRangeAndWhy(string value)
    {
        var error = Refused(("block-size-mi-b", value));

        Assert.Equal($"--block-size-mi-b '{value}' is not a whole number from 1 to 1024: {BlockSizeWhy} (from command line)", Assert.Single(error.Problems));
    }

    [Fact]
    public void Resolve_BlockSize1024_IsAccepted()
    {
        var options = ReleaseParameters.Resolve(Args(("block-size-mi-b", "1024")), None, null, [], Version);

        Assert.Equal(1024, options.BlockSizeMiB);
    }

    [Theory]
    [InlineData("retry-base-delay", "1e20s", "--retry-base-delay '1e20s' is not a duration from 0s to 5m")]
    [InlineData("per-try-timeout", "Infinitys", "--per-try-timeout 'Infinitys' is not a duration from 1s to 1h")]
    [InlineData("per-try-timeout", "NaNs", "--per-try-timeout 'NaNs' is not a duration from 1s to 1h")]
    [InlineData("retry-max-delay", "-5s", "--retry-max-delay '-5s' is not a duration from 0s to 30m")]
    [InlineData("retry-after-cap", "1e300d", "--retry-after-cap '1e300d' is not a duration from 0s to 1h")]
    [InlineData("sas-lifetime", "10675199d", "--sas-lifetime '10675199d' is not a duration from 1s to 7d")]
    [InlineData("progress-interval", "0.5s", "--progress-interval '0.5s' is not 0 (no progress lines) or a duration from 1s to 1h")]
    public void Resolve_DurationOutOfRange_IsAProblemNotAnException(string name, string value, string expected)
    {
        var error = Refused((name, value));

        Assert.Equal($"{expected}: write 90s, 15m, 2h, 1d or 00:15:00. (from command line)", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("1e20s")]
    [InlineData("Infinitys")]
    [InlineData("-Infinityh")]
    [InlineData("NaNm")]
    [InlineData("922337203685.4775807s")]
    [InlineData("-00:00:01")]
    public void TryParseDuration_UnrepresentableText_ReturnsFalseWithoutThrowing(string text)
    {
        Assert.False(ParameterValues.TryParseDuration(text, out _));
    }

    [Fact]
    public void Resolve_ProgressIntervalZero_TurnsProgressOff()
    {
        var options = ReleaseParameters.Resolve(Args(("progress-interval", "0s")), None, null, [], Version);

        Assert.Equal(TimeSpan.Zero, options.ProgressInterval);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9", "http://127.0.0.1:9")]
    [InlineData("http://localhost:10000/devstoreaccount1", "http://localhost:10000/devstoreaccount1")]
    [InlineData("ftp://acct.blob.core.windows.net", "ftp://acct.blob.core.windows.net")]
    public void Resolve_StorageUrlNotHttps_IsRefusedEvenOnLoopback(string url, string shown)
    {
        var error = Refused(("storage-url", url));

        Assert.Equal(
            $"--storage-url '{shown}' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.",
            Assert.Single(error.Problems));
    }

    [Fact]
    public void Resolve_StorageUrlWithSasOverHttp_NamesBothProblemsAndNeverTheSignature()
    {
        var error = Refused(("storage-url", "http://user:hunter2@acct.blob.core.windows.net/?sv=2026-06-06&sig=c2VjcmV0c2VjcmV0"));

        Assert.Equal(
            [
                "--storage-url must not carry a query string (a SAS or any other secret does not belong there): pass only https://<account>.blob.core.windows.net and choose the identity with --credential; RefreshCredentials mints the SAS itself.",
                "--storage-url must not carry a user name or password: pass only https://<account>.blob.core.windows.net and choose the identity with --credential.",
                "--storage-url 'http://acct.blob.core.windows.net' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.",
            ],
            error.Problems);
        Assert.DoesNotContain("c2VjcmV0c2VjcmV0", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_StorageUrlNotAUrl_DoesNotEchoItsQuery()
    {
        var error = Refused(("storage-url", "acct blob?sig=c2VjcmV0c2VjcmV0"));

        Assert.Equal(
            "--storage-url 'acct blob' is not an absolute URL: write https://<account>.blob.core.windows.net, or leave it empty to use a local Azurite. (from command line)",
            Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("/etc/*", "--artifacts: Artifacts glob '/etc/*' is an absolute path")]
    [InlineData("**/*.nupkg;../other/*.nupkg", "--artifacts: Artifacts glob '../other/*.nupkg' contains '..'")]
    [InlineData("!sub/../../x", "--artifacts: Artifacts glob '!sub/../../x' contains '..'")]
    public void Resolve_ArtifactGlobLeavingTheFolder_IsRefusedAtValidation(string globs, string expected)
    {
        var error = Refused(("artifacts", globs));

        Assert.StartsWith(expected, Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TheObservedBadValuesTogether_AreAllReportedInOneException()
    {
        var error = Refused(
            ("block-size-mi-b", "2048"),
            ("retry-base-delay", "1e20s"),
            ("per-try-timeout", "Infinitys"),
            ("storage-url", "http://127.0.0.1:9"),
            ("artifacts", "/abs/*;../up/*"));

        Assert.Equal(
            [
                $"--block-size-mi-b '2048' is not a whole number from 1 to 1024: {BlockSizeWhy} (from command line)",
                "--retry-base-delay '1e20s' is not a duration from 0s to 5m: write 90s, 15m, 2h, 1d or 00:15:00. (from command line)",
                "--per-try-timeout 'Infinitys' is not a duration from 1s to 1h: write 90s, 15m, 2h, 1d or 00:15:00. (from command line)",
                "--storage-url 'http://127.0.0.1:9' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.",
                "--artifacts: Artifacts glob '/abs/*' is an absolute path: globs are relative to ArtifactsDirectory; point --artifacts-directory at the folder instead.",
                "--artifacts: Artifacts glob '../up/*' contains '..': globs select files under ArtifactsDirectory only; to publish files from elsewhere, point --artifacts-directory at their folder.",
            ],
            error.Problems);
        Assert.StartsWith("Invalid parameters:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FromEnvironment_SaysWhereTheValueCameFrom()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() =>
            ReleaseParameters.Resolve(None, new Dictionary<string, string> { ["RELEASETARGETS_BLOCK_SIZE_MI_B"] = "4000" }, null, [], Version));

        Assert.EndsWith("(from environment variable RELEASETARGETS_BLOCK_SIZE_MI_B)", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OptionsSetInCode_SameRangesAndNamesAsTheCommandLine()
    {
        var options = new ReleaseOptions
        {
            ReleaseVersion = "1.0.0",
            BlockSizeMiB = 2048,
            Concurrency = 0,
            RetryBaseDelay = TimeSpan.FromMinutes(10),
            RetryMaxDelay = TimeSpan.FromMinutes(20),
            PerTryTimeout = TimeSpan.Zero,
            SasLifetime = TimeSpan.FromDays(8),
            StorageUrl = new Uri("http://127.0.0.1:9"),
        };

        Assert.Equal(
            [
                "--storage-url 'http://127.0.0.1:9' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.",
                $"--block-size-mi-b '2048' is not a whole number from 1 to 1024: {BlockSizeWhy}",
                "--concurrency '0' is not a whole number from 1 to 64.",
                "--retry-base-delay '10m' is not a duration from 0s to 5m: write 90s, 15m, 2h, 1d or 00:15:00.",
                "--per-try-timeout '0s' is not a duration from 1s to 1h: write 90s, 15m, 2h, 1d or 00:15:00.",
                "--sas-lifetime '8d' is not a duration from 1s to 7d: write 90s, 15m, 2h, 1d or 00:15:00.",
            ],
            ReleaseOptionsValidator.Validate(options));
    }

    [Fact]
    public void Validate_MaxDelayBelowBaseDelay_NamesBothParameters()
    {
        var options = new ReleaseOptions { ReleaseVersion = "1.0.0", RetryBaseDelay = TimeSpan.FromSeconds(5), RetryMaxDelay = TimeSpan.FromSeconds(1) };

        Assert.Equal(
            "--retry-max-delay '1s' is shorter than --retry-base-delay '5s': raise --retry-max-delay or lower --retry-base-delay.",
            Assert.Single(ReleaseOptionsValidator.Validate(options)));
    }

    private static ReleaseConfigurationException Refused(params (string Name, string Value)[] arguments) =>
        Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(Args(arguments), None, null, [], Version));

    private static Dictionary<string, string> Args(params (string Name, string Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => a.Value);

    private static Dictionary<string, string> Version => new() { ["ReleaseVersion"] = "1.0.0" };
}
