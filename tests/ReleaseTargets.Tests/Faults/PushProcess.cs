using System.Diagnostics;
using System.Text;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// A push in its own process (tests/ReleaseTargets.PushProcess): RefreshCredentials + Push of one artifacts folder against
/// the collection's Azurite, as a separate CI job or a second terminal would run it.
/// </summary>
internal sealed class PushProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private PushProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="azurite">The emulator the push targets (its certificate is pinned by the child).</param>
    /// <param name="dataUri">Where data requests go: the emulator itself or a fault proxy in front of it.</param>
    /// <param name="artifactsDirectory">The artifacts folder; the child's state folder and certificate file go beside it.</param>
    /// <param name="version">The release version.</param>
    /// <param name="arguments">More arguments for the child: <c>--shard=a</c>, <c>--seal=a,b</c>, <c>--seal-timeout=5</c>.</param>
    /// <param name="stateDirectory">The child's state folder. Default: beside the artifacts folder, named after it.</param>
    public static async Task<PushProcess> StartAsync(AzuriteFixture azurite, Uri dataUri, string artifactsDirectory, string version, IEnumerable<string>? arguments = null, string? stateDirectory = null)
    {
        var beside = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(artifactsDirectory))!;
        var certificate = Path.Combine(beside, "azurite.pem");
        await File.WriteAllTextAsync(certificate, azurite.Emulator.Certificate.ExportCertificatePem());
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                ChildPath,
                azurite.Emulator.BlobServiceUri.ToString(),
                dataUri.ToString(),
                certificate,
                artifactsDirectory,
                version,
                stateDirectory ?? Path.Combine(beside, "child-state-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(artifactsDirectory))),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        return new PushProcess(process);
    }

    public async Task<int> WaitAsync()
    {
        await Process.WaitForExitAsync();
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    private static string ChildPath
    {
        get
        {
            // Same configuration as this test assembly (bin/<Configuration>/net10.0).
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(RepositoryRoot.Path, "tests", "ReleaseTargets.PushProcess", "bin", configuration, "net10.0", "ReleaseTargets.PushProcess.dll");
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
