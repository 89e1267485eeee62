using System.Diagnostics;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>A throwaway copy of the parts of this repository a build needs, and a way to run commands in it.</summary>
internal sealed class ScratchRepository : IDisposable
{
    private static readonly string[] Entries =
    [
        "build.sh", "build", "src", ".config", ".nuke/parameters.json", "Directory.Build.props", "Directory.Packages.props", "global.json",
    ];

    public ScratchRepository()
    {
        Root = Directory.CreateTempSubdirectory("rt-e2e-").FullName;
    }

    public string Root { get; }

    public static string Source => RepositoryRoot.Path;

    /// <summary>Copies the build inputs (not bin/obj/node_modules) and reuses the already installed Azurite package and published module.</summary>
    public ScratchRepository WithRepositoryCopy()
    {
        foreach (var entry in Entries)
        {
            Copy(Path.Combine(Source, entry), Path.Combine(Root, entry));
        }

        return ReuseInstalledAzurite();
    }

    /// <summary>Links this repository's installed Azurite package into the scratch copy, sparing a ~1 minute npm ci.</summary>
    public ScratchRepository ReuseInstalledAzurite()
    {
        Directory.CreateDirectory(Path.Combine(Root, ".nuke/temp/azurite"));
        var package = Path.Combine(Source, ".nuke/temp/azurite/package");
        if (Directory.Exists(package))
        {
            Directory.CreateSymbolicLink(Path.Combine(Root, ".nuke/temp/azurite/package"), package);
        }

        return this;
    }

    public static void Copy(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
            File.SetLastWriteTimeUtc(to, File.GetLastWriteTimeUtc(from));
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "node_modules"))
            {
                continue;
            }

            Copy(file, Path.Combine(to, relative));
        }
    }

    public async Task<(int ExitCode, string Output)> RunAsync(string fileName, string arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NO_COLOR"] = "1";
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("RELEASETARGETS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A still-exiting child may hold a file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }

    private static async Task PumpAsync(StreamReader reader, System.Text.StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
