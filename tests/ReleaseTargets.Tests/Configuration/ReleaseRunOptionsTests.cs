using ReleaseTargets.Configuration;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Configuration;

/// <summary>The public API cannot run with invalid options, and owns its settings once it has them.</summary>
public sealed class ReleaseRunOptionsTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly Dictionary<string, string> None = new();
    private readonly string _root = Directory.CreateTempSubdirectory("rt-run-options-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Constructor_InvalidOptions_ThrowsEveryProblemBeforeTouchingState()
    {
        var options = Valid();
        options.BlockSizeMiB = 2048;
        options.StorageUrl = new Uri("http://127.0.0.1:9");

        var error = Assert.Throws<ReleaseConfigurationException>(() => new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None));

        Assert.Equal(2, error.Problems.Count);
        Assert.StartsWith("--storage-url 'http://127.0.0.1:9' must use https", error.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("--block-size-mi-b '2048' is not a whole number from 1 to 1024", error.Problems[1], StringComparison.Ordinal);
        Assert.False(Directory.Exists(options.StateDirectory));
    }

    [Fact]
    public void Constructor_InvalidForecastOrSasLimits_AreReportedWithTheOtherProblems()
    {
        var options = Valid();
        options.Forecast.SafetyFactor = 0.5;
        options.SasLimits.MinimumLifetime = TimeSpan.FromDays(8);

        var error = Assert.Throws<ReleaseConfigurationException>(() => new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None));

        Assert.Contains(error.Problems, p => p.StartsWith("ForecastOptions.SafetyFactor must be a finite number of at least 1", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("SasLifetimeOptions.MinimumLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Constructor_CallerChangesForecastSettingsAfterwards_TheRunKeepsItsOwnCopy()
    {
        var options = Valid();
        options.Forecast.SafetyFactor = 2;
        await using var run = new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None);

        options.Forecast.SafetyFactor = 100;

        Assert.Equal(2, run.Options.Forecast.SafetyFactor);
    }

    [Fact]
    public async Task Constructor_CallerChangesItsOptionsAfterwards_TheRunKeepsItsOwnCopy()
    {
        var options = Valid();
        await using var run = new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None);

        options.BlockSizeMiB = 2048;
        options.ReleaseVersion = "9.9.9";
        options.ArtifactsDirectory = "/elsewhere";

        Assert.NotSame(options, run.Options);
        Assert.Equal(8, run.Options.BlockSizeMiB);
        Assert.Equal("1.0.0", run.Options.ReleaseVersion);
        Assert.Equal(Path.Combine(_root, "artifacts"), run.Options.ArtifactsDirectory);
    }

    [Fact]
    public async Task Options_ChangingWhatTheRunHandsOut_DoesNotChangeTheRun()
    {
        await using var run = new ReleaseRun(Valid(), new CapturingLog(), TimeProvider.System, None);

        run.Options.BlockSizeMiB = 2048;
        run.Options.StorageUrl = new Uri("http://127.0.0.1:9");

        Assert.Equal(8, run.Options.BlockSizeMiB);
        Assert.Null(run.Options.StorageUrl);
    }

    [Fact]
    public async Task Constructor_RelativePaths_AreMadeAbsoluteOnce()
    {
        var options = Valid();
        options.ArtifactsDirectory = "out/artifacts";
        await using var run = new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None);

        Assert.Equal(Path.GetFullPath("out/artifacts"), run.Options.ArtifactsDirectory);
        Assert.Equal("out/artifacts", options.ArtifactsDirectory);
    }

    [Fact]
    public void Resolve_RelativePaths_AreResolvedAgainstTheRootBeforeValidation()
    {
        var options = ReleaseParameters.Resolve(
            new Dictionary<string, string> { ["state-directory"] = "state/here" },
            None,
            null,
            [],
            new Dictionary<string, string> { ["ReleaseVersion"] = "1.0.0" },
            rootDirectory: _root);

        Assert.Equal(Path.Combine(_root, "artifacts"), options.ArtifactsDirectory);
        Assert.Equal(Path.Combine(_root, "state", "here"), options.StateDirectory);
    }

    [Fact]
    public async Task RefreshCredentials_FilesNeedingMoreThan50000Blocks_RefusedTogetherBeforeHashingOrConnecting()
    {
        var artifacts = Directory.CreateDirectory(Path.Combine(_root, "artifacts")).FullName;
        Sparse(Path.Combine(artifacts, "a.bin"), (50_000 * MiB) + 1);
        Sparse(Path.Combine(artifacts, "b.bin"), 3 * 50_000 * MiB);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "notes.txt"), "fits");
        var options = Valid();
        options.BlockSizeMiB = 1;
        await using var run = new ReleaseRun(options, new CapturingLog(), TimeProvider.System, None);
        // Hashing ~195 GiB of holes or starting the emulator would take far longer than this.
        using var tooLate = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<ReleaseConfigurationException>(() => run.RefreshCredentialsAsync(tooLate.Token));

        Assert.Equal(
            [
                "'a.bin' (48.8 GiB, 52,428,800,001 bytes) needs 50,001 blocks of 1 MiB, more than the 50,000 a blob may have; pass --block-size-mi-b=2 or more.",
                "'b.bin' (146.5 GiB, 157,286,400,000 bytes) needs 150,000 blocks of 1 MiB, more than the 50,000 a blob may have; pass --block-size-mi-b=3 or more.",
            ],
            error.Problems);
        Assert.False(Directory.Exists(Path.Combine(options.StateDirectory, "azurite")));
        Assert.Null(run.SasWindow);
    }

    private ReleaseOptions Valid() => new()
    {
        ReleaseVersion = "1.0.0",
        ArtifactsDirectory = Path.Combine(_root, "artifacts"),
        StateDirectory = Path.Combine(_root, "state"),
    };

    private static void Sparse(string path, long length)
    {
        using var file = File.Create(path);
        file.SetLength(length);
    }
}
