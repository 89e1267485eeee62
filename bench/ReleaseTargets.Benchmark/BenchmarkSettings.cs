using System.Globalization;

namespace ReleaseTargets.Benchmark;

/// <summary>Sizes and repetitions of one benchmark run. <see cref="Full"/> stays under ~20 minutes on 2 cores; <see cref="Smoke"/> under 30 s.</summary>
public sealed record BenchmarkSettings
{
    private const long MiB = 1024 * 1024;

    public required string Mode { get; init; }

    /// <summary>The one large file of the clean, fault and resume scenarios.</summary>
    public required long LargeFileBytes { get; init; }

    public required int SmallFileCount { get; init; }

    public required long SmallFileBytes { get; init; }

    /// <summary>Block size for both contenders (ReleaseTargets' BlockSizeMiB, the SDK's transfer size).</summary>
    public required int BlockSizeMiB { get; init; }

    /// <summary>ReleaseTargets' default concurrency: its contender's setting everywhere, and the plain SDK's first tuning.</summary>
    public int Concurrency { get; init; } = Configuration.ReleaseDefaults.Concurrency;

    /// <summary>The second tuning of both contenders in the clean scenario (the plain SDK's default is 8).</summary>
    public int OtherConcurrency { get; init; } = 8;

    public required int CleanRepetitions { get; init; }

    public required int FaultRepetitions { get; init; }

    public required int ResumeRepetitions { get; init; }

    public required int MemoryRepetitions { get; init; }

    public required int CredentialRepetitions { get; init; }

    /// <summary>Share of Put Block requests that fail, split evenly between 503 ServerBusy, reset mid-body and 404.</summary>
    public double FaultRate { get; init; } = 0.05;

    /// <summary>Whole-file attempts the plain SDK's retry loop makes before giving up.</summary>
    public int WholeFileAttempts { get; init; } = 10;

    /// <summary>The push process is killed once this share of the payload is staged.</summary>
    public double ResumeKillAt { get; init; } = 0.5;

    public required long MemorySmallBytes { get; init; }

    public required long MemoryLargeBytes { get; init; }

    public required string OutputPath { get; init; }

    public required string AzuriteInstallDirectory { get; init; }

    /// <summary>Where the pinned AzCopy is installed on first use.</summary>
    public required string AzCopyInstallDirectory { get; init; }

    /// <summary>The scenarios to run (<c>--scenarios=a,b</c>); default all of <see cref="AllScenarios"/>.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;

    public static IReadOnlyList<string> AllScenarios { get; } = ["credentials", "clean", "faults", "resume", "memory", "azcopy", "buildsh", "shards", "image", "fetch", "scale"];

    /// <summary>Issue 23's scale scenario: file counts (ascending; a fresh Azurite each) of <see cref="ScaleFileBytes"/> each.</summary>
    public required IReadOnlyList<int> ScaleFileCounts { get; init; }

    public long ScaleFileBytes { get; init; } = 1024;

    /// <summary>Payloads (file count × bytes each) of the AzCopy comparison.</summary>
    public required IReadOnlyList<(int Files, long BytesEach)> AzCopyPayloads { get; init; }

    public required int AzCopyRepetitions { get; init; }

    /// <summary>Which of <see cref="AzCopyPayloads"/> (by index) are also timed to the last response byte through a relay.</summary>
    public required IReadOnlyList<int> LastBytePayloads { get; init; }

    /// <summary>Runs of ./build.sh Push from the script cache, after one that compiles the script.</summary>
    public required int BuildScriptRepetitions { get; init; }

    /// <summary>Also time ReleaseTargets compiled ReadyToRun (as build.sh publishes the module), not only JIT.</summary>
    public required bool ReadyToRun { get; init; }

    /// <summary>AzCopy's tuned setting: ReleaseTargets' defaults (8 MiB blocks, 16 requests in flight).</summary>
    public const int AzCopyTunedBlockMiB = 8;

    public const int AzCopyTunedConcurrency = 16;

    public int Seed { get; init; } = 20261122;

    public static BenchmarkSettings Full(string output, string install, string azCopyInstall) => new()
    {
        AzCopyInstallDirectory = azCopyInstall,
        AzCopyPayloads = [(1, 512 * MiB), (200, 1 * MiB), (5000, 64 * 1024)],
        AzCopyRepetitions = 3,
        ScaleFileCounts = [1000, 4000, 16000],
        LastBytePayloads = [1],
        BuildScriptRepetitions = 3,
        ReadyToRun = true,
        Mode = "full",
        LargeFileBytes = 512 * MiB,
        SmallFileCount = 200,
        SmallFileBytes = 1 * MiB,
        BlockSizeMiB = 8,
        CleanRepetitions = 5,
        FaultRepetitions = 3,
        ResumeRepetitions = 3,
        MemoryRepetitions = 3,
        CredentialRepetitions = 10,
        MemorySmallBytes = 256 * MiB,
        MemoryLargeBytes = 1024 * MiB,
        OutputPath = output,
        AzuriteInstallDirectory = install,
    };

    public static BenchmarkSettings Smoke(string output, string install, string azCopyInstall) => new()
    {
        AzCopyInstallDirectory = azCopyInstall,
        AzCopyPayloads = [(1, 8 * MiB), (20, 256 * 1024), (100, 16 * 1024)],
        AzCopyRepetitions = 1,
        ScaleFileCounts = [100, 400],
        LastBytePayloads = [1],
        BuildScriptRepetitions = 1,

        // ./build.sh inside a test run would republish the module under the tests' feet: run it with --scenarios=buildsh.
        // The shard and image scenarios (their own servers) are kept out of the smoke test's time: --smoke --scenarios=shards,image.
        Scenarios = AllScenarios.Where(s => s is not ("buildsh" or "shards" or "image")).ToList(),
        ReadyToRun = false,
        Mode = "smoke",
        LargeFileBytes = 24 * MiB,
        SmallFileCount = 10,
        SmallFileBytes = 256 * 1024,
        BlockSizeMiB = 1,
        Concurrency = 4,
        OtherConcurrency = 8,
        CleanRepetitions = 1,
        FaultRepetitions = 1,
        ResumeRepetitions = 1,
        MemoryRepetitions = 1,
        CredentialRepetitions = 3,
        FaultRate = 0.15,
        MemorySmallBytes = 4 * MiB,
        MemoryLargeBytes = 16 * MiB,
        OutputPath = output,
        AzuriteInstallDirectory = install,
    };

    /// <summary>
    /// <c>--smoke</c>, <c>--output=PATH</c>, <c>--azurite-install-directory=PATH</c>, <c>--repetitions=N</c> (overrides every
    /// scenario's count except RefreshCredentials'), <c>--scenarios=clean,azcopy</c> (default: all), <c>--azcopy-payloads=1</c>
    /// (indices into the AzCopy comparison's payloads; default all), <c>--scale-files=1000,16000</c> (the scale
    /// scenario's file counts). Unknown arguments
    /// fail with the list of known ones.
    /// </summary>
    public static BenchmarkSettings Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'. Use --smoke, --output=PATH, --azurite-install-directory=PATH, --repetitions=N, --scenarios=a,b.");
            }

            var parts = arg[2..].Split('=', 2);
            values[parts[0]] = parts.Length == 2 ? parts[1] : null;
        }

        string[] known = ["smoke", "output", "azurite-install-directory", "repetitions", "scenarios", "azcopy-payloads", "scale-files"];
        var unknown = values.Keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s) {string.Join(", ", unknown.Select(u => $"'--{u}'"))}. Known: {string.Join(", ", known.Select(k => "--" + k))}.");
        }

        var output = Path.GetFullPath(values.GetValueOrDefault("output") ?? Path.Combine(repositoryRoot, ".nuke", "temp", "benchmark", "results.json"));
        var install = Path.GetFullPath(values.GetValueOrDefault("azurite-install-directory") ?? Path.Combine(repositoryRoot, ".nuke", "temp", "azurite", "package"));
        var azCopy = Path.Combine(repositoryRoot, ".nuke", "temp", "azcopy");
        var settings = values.ContainsKey("smoke") ? Smoke(output, install, azCopy) : Full(output, install, azCopy);
        if (values.GetValueOrDefault("scenarios") is { } scenarios)
        {
            var chosen = scenarios.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => x.ToLowerInvariant()).ToList();
            var wrong = chosen.Where(c => !AllScenarios.Contains(c)).ToList();
            if (chosen.Count == 0 || wrong.Count > 0)
            {
                throw new ArgumentException($"--scenarios '{scenarios}': choose from {string.Join(", ", AllScenarios)} (comma-separated).");
            }

            settings = settings with { Scenarios = chosen };
        }
        if (values.GetValueOrDefault("azcopy-payloads") is { } indices)
        {
            var chosen = indices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(i => int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < settings.AzCopyPayloads.Count ? n : -1).ToList();
            if (chosen.Count == 0 || chosen.Contains(-1))
            {
                throw new ArgumentException($"--azcopy-payloads '{indices}': comma-separated indices from 0 to {settings.AzCopyPayloads.Count - 1} of {string.Join(", ", settings.AzCopyPayloads.Select(p => $"{p.Files} × {p.BytesEach} B"))}.");
            }

            settings = settings with
            {
                AzCopyPayloads = [.. chosen.Select(i => settings.AzCopyPayloads[i])],
                LastBytePayloads = [.. chosen.Select((original, position) => (original, position)).Where(x => settings.LastBytePayloads.Contains(x.original)).Select(x => x.position)],
            };
        }

        if (values.GetValueOrDefault("scale-files") is { } counts)
        {
            var chosen = counts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1).ToList();
            if (chosen.Count == 0 || chosen.Contains(-1))
            {
                throw new ArgumentException($"--scale-files '{counts}': comma-separated positive file counts, e.g. 1000,4000,16000.");
            }

            settings = settings with { ScaleFileCounts = [.. chosen.Distinct().Order()] };
        }

        if (values.GetValueOrDefault("repetitions") is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new ArgumentException($"--repetitions '{text}' must be a positive whole number.");
            }

            settings = settings with { CleanRepetitions = n, FaultRepetitions = n, ResumeRepetitions = n, MemoryRepetitions = n, AzCopyRepetitions = n };
        }

        return settings;
    }
}
