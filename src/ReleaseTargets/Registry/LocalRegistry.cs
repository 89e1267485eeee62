using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Registry;

/// <summary>
/// The zero-configuration registry, like the local Azurite: Debian's <c>docker-registry</c> (Docker Distribution) started
/// on <c>127.0.0.1:&lt;free port&gt;</c> with its data under the state folder, stopped with the run. Installs nothing:
/// when the binary is missing it says what to install or set.
/// </summary>
internal sealed class LocalRegistry : IAsyncDisposable
{
    public const string DefaultBinary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly Emulator.OutputTail _output = new();

    private LocalRegistry(Process process, Uri baseUri, string dataDirectory)
    {
        _process = process;
        BaseUri = baseUri;
        DataDirectory = dataDirectory;
        process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }

    public string DataDirectory { get; }

    /// <summary>Fails naming what to do when <c>docker-registry</c> is not installed.</summary>
    public static string FindBinary(string? binary = null)
    {
        var path = binary ?? DefaultBinary;
        return File.Exists(path)
            ? path
            : throw new ReleaseTargetsException($"Image layouts were found in the artifacts folder but no --registry is set, and the local registry '{path}' is not installed: run `apt-get install -y docker-registry` (Debian/Ubuntu), or set --registry to push to a real registry.");
    }

    public static async Task<LocalRegistry> StartAsync(string stateDirectory, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken, string? binary = null)
    {
        var executable = FindBinary(binary);
        var folder = Path.Combine(stateDirectory, "registry");
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        var port = FreePort();
        var config = Path.Combine(folder, "config.yml");
        await File.WriteAllTextAsync(
            config,
            $"version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {data}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            cancellationToken);
        var process = Process.Start(new ProcessStartInfo(executable) { ArgumentList = { "serve", config }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })
            ?? throw new ReleaseTargetsException($"Could not start '{executable}'.");
        var registry = new LocalRegistry(process, new Uri($"http://127.0.0.1:{port}"), data);
        try
        {
            await registry.WaitUntilListeningAsync(timeProvider, cancellationToken);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }

        log.Information($"docker-registry listening on {registry.BaseUri.GetLeftPart(UriPartial.Authority)} (data: {data})");
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new ReleaseTargetsException($"docker-registry exited with code {_process.ExitCode} at start: {_output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseUri, "/v2/"), cancellationToken);
                return;
            }
            catch (HttpRequestException) when (timeProvider.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, cancellationToken);
            }
        }
    }
}
