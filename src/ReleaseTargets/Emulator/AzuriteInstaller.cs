using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Emulator;

/// <summary>
/// Installs the pinned Azurite package with <c>npm ci</c>, once per lock file: a stamp remembers what was installed,
/// and a lock file serialises emulators (test collections run in parallel) that share one install folder.
/// </summary>
internal static class AzuriteInstaller
{
    private const string LockFileName = ".install.lock";
    private const string StampFileName = ".install.stamp";
    private static readonly string[] PackageFiles = ["package.json", "package-lock.json"];

    public static async Task<InstalledAzurite> InstallAsync(
        AzuriteSettings settings, NodeTools tools, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        var sources = ReadPinnedFiles(settings.PackageDirectory);
        var directory = settings.InstallDirectory;
        Directory.CreateDirectory(directory);
        var stamp = Stamp(sources);
        var stampFile = Path.Combine(directory, StampFileName);

        await using (await AcquireLockAsync(Path.Combine(directory, LockFileName), timeProvider, cancellationToken))
        {
            if (!IsInstalled(directory, stampFile, stamp))
            {
                // Delete the stamp first: an install interrupted half-way must be redone by the next run.
                File.Delete(stampFile);
                foreach (var (name, content) in sources)
                {
                    await File.WriteAllBytesAsync(Path.Combine(directory, name), content, cancellationToken);
                }

                log.Information($"Installing Azurite {AzuriteDefaults.Version} with 'npm ci' into '{directory}' (only when the pinned lock file changes).");
                var started = timeProvider.GetTimestamp();
                await RunNpmCiAsync(tools.NpmPath, directory, cancellationToken);
                await File.WriteAllTextAsync(stampFile, stamp, cancellationToken);
                log.Verbose($"Installed Azurite in {timeProvider.GetElapsedTime(started).TotalSeconds:0.0} s.");
            }
        }

        return ReadInstalled(directory);
    }

    private static bool IsInstalled(string directory, string stampFile, string stamp) =>
        File.Exists(Path.Combine(directory, "node_modules", "azurite", "package.json"))
        && File.Exists(stampFile)
        && string.Equals(File.ReadAllText(stampFile), stamp, StringComparison.Ordinal);

    /// <summary>
    /// The pinned package.json and package-lock.json: from <paramref name="packageDirectory"/> when one is given, else the
    /// pair embedded in this assembly (a Cake addin folder or a PackageReference consumer's bin has no loose files).
    /// </summary>
    private static (string Name, byte[] Content)[] ReadPinnedFiles(string? packageDirectory)
    {
        return PackageFiles.Select(name => (name, packageDirectory is null ? Embedded(name) : FromFolder(packageDirectory, name))).ToArray();

        static byte[] FromFolder(string folder, string name)
        {
            var path = Path.Combine(folder, name);
            return File.Exists(path) ? File.ReadAllBytes(path) : throw AzuriteErrors.PackageMissing(path);
        }

        static byte[] Embedded(string name)
        {
            var resource = $"ReleaseTargets.Emulator.azurite.{name}";
            using var stream = typeof(AzuriteInstaller).Assembly.GetManifestResourceStream(resource) ?? throw AzuriteErrors.PackageMissing(resource);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private static string Stamp(IEnumerable<(string Name, byte[] Content)> sources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, content) in sources)
        {
            hash.AppendData(content);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static async Task<FileStream> AcquireLockAsync(string lockFile, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            // FileShare.None is an exclusive lock across processes (flock on Unix); the file itself is left in
            // place, because deleting it while another process waits on it would let two installs run at once.
            // Only a real conflict (another install holds it) is waited on: a read-only folder fails now.
            FileStream? stream;
            try
            {
                stream = ExclusiveFile.TryOpen(lockFile);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw AzuriteErrors.InstallLockFailed(lockFile, exception);
            }

            if (stream is not null)
            {
                return stream;
            }

            if (timeProvider.GetElapsedTime(started) >= AzuriteDefaults.InstallLockTimeout)
            {
                throw AzuriteErrors.InstallLockTimeout(lockFile, AzuriteDefaults.InstallLockTimeout);
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private static async Task RunNpmCiAsync(string npmPath, string directory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(npmPath)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new OutputTail();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw AzuriteErrors.InstallFailed(directory, process.ExitCode, output.ToString());
        }
    }

    private static InstalledAzurite ReadInstalled(string directory)
    {
        // The entry point comes from the installed package's own "bin" map, not from a path guessed here.
        var packageRoot = Path.Combine(directory, "node_modules", "azurite");
        var manifest = Path.Combine(packageRoot, "package.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            var version = document.RootElement.GetProperty("version").GetString();
            var entry = document.RootElement.GetProperty("bin").GetProperty("azurite-blob").GetString();
            var script = Path.GetFullPath(Path.Combine(packageRoot, entry!));
            return version is not null && File.Exists(script)
                ? new InstalledAzurite(version, script)
                : throw AzuriteErrors.InstallIncomplete(manifest);
        }
        catch (Exception exception) when (exception is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw AzuriteErrors.InstallIncomplete(manifest);
        }
    }
}
