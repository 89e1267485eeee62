using System.Diagnostics;

namespace ReleaseTargets.Benchmark.AzCopy;

/// <summary>
/// AzCopy 10.32.2 from the pinned npm package <c>@azure-tools/azcopy-linux</c> (bench/ReleaseTargets.Benchmark/AzCopy/
/// package-lock.json), installed with <c>npm ci</c> on first use like Azurite. When it cannot be installed or run, the
/// benchmark skips its rows with <see cref="SkipReason"/> instead of failing.
/// </summary>
internal sealed class AzCopyTool
{
    public const string PinnedVersion = "10.32.2";
    private const string Binary = "node_modules/@azure-tools/azcopy-linux/dist/bin/azcopy_linux_amd64";

    private AzCopyTool(string? path, string? skipReason)
    {
        Path = path;
        SkipReason = skipReason;
    }

    /// <summary>The executable, or null when AzCopy cannot run here.</summary>
    public string? Path { get; }

    /// <summary>Why AzCopy's rows are skipped, with the fix.</summary>
    public string? SkipReason { get; }

    public static async Task<AzCopyTool> InstallAsync(string repositoryRoot, string installDirectory, string certificatePem, CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new AzCopyTool(null, "the pinned npm package is AzCopy's Linux build");
        }

        var binary = System.IO.Path.Combine(installDirectory, Binary);
        var lockFile = System.IO.Path.Combine(repositoryRoot, "bench", "ReleaseTargets.Benchmark", "AzCopy", "package-lock.json");
        var installedLock = System.IO.Path.Combine(installDirectory, "package-lock.json");
        try
        {
            if (!File.Exists(binary) || !File.Exists(installedLock) || File.ReadAllText(installedLock) != File.ReadAllText(lockFile))
            {
                Directory.CreateDirectory(installDirectory);
                File.Copy(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(lockFile)!, "package.json"), System.IO.Path.Combine(installDirectory, "package.json"), overwrite: true);
                File.Copy(lockFile, installedLock, overwrite: true);
                var npm = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], installDirectory, certificatePem, cancellationToken);
                if (npm.ExitCode != 0 || !File.Exists(binary))
                {
                    File.Delete(installedLock);
                    return new AzCopyTool(null, $"'npm ci' of @azure-tools/azcopy-linux {PinnedVersion} into '{installDirectory}' failed (exit {npm.ExitCode}): {Last(npm.Output)}");
                }
            }

            // The package ships the binary without its execute bit.
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var version = await RunAsync(binary, ["--version"], installDirectory, certificatePem, cancellationToken);
            if (version.ExitCode != 0)
            {
                var hint = version.Output.Contains("libsecret", StringComparison.Ordinal)
                    ? "it needs Debian's libsecret-1-0: apt-get install libsecret-1-0"
                    : Last(version.Output);
                return new AzCopyTool(null, $"AzCopy {PinnedVersion} does not run here ({hint})");
            }

            return new AzCopyTool(binary, null);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return new AzCopyTool(null, $"AzCopy could not be installed or started ({exception.Message}); it needs Node.js + npm to install");
        }
    }

    /// <summary>What every AzCopy run gets: trust in Azurite's self-signed certificate, logs and job plans in scratch.</summary>
    public static void AddEnvironment(ProcessStartInfo start, string certificatePem, string scratch)
    {
        start.Environment["SSL_CERT_FILE"] = certificatePem;
        start.Environment["AZCOPY_LOG_LOCATION"] = System.IO.Path.Combine(scratch, "azcopy-logs");
        start.Environment["AZCOPY_JOB_PLAN_LOCATION"] = System.IO.Path.Combine(scratch, "azcopy-plans");
    }

    private static async Task<ProcessMeasurement> RunAsync(string file, string[] args, string directory, string certificatePem, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        AddEnvironment(start, certificatePem, directory);
        return await MeteredProcess.RunAsync(start, cancellationToken);
    }

    private static string Last(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
}
