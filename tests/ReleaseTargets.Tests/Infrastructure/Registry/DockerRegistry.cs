using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>
/// A real OCI registry for tests: Debian's <c>docker-registry</c> (Docker Distribution 2.8.2) started as
/// <c>docker-registry serve &lt;config&gt;</c> on <c>127.0.0.1:&lt;free port&gt;</c>, storage in a fresh temp folder, with
/// basic or token auth. Installs nothing: when the binary is missing it says which packages <c>.ci/run</c> installs.
/// </summary>
public sealed class DockerRegistry : IAsyncDisposable
{
    public const string Username = "releaser";
    public const string Password = "registry-test-password-5f2c";
    public const string Binary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DockerRegistry(Process process, string folder, int port, TokenServer? tokens)
    {
        _process = process;
        Folder = folder;
        Port = port;
        Tokens = tokens;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    /// <summary>What skopeo and docker call the registry: <c>127.0.0.1:port</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public string Folder { get; }

    public TokenServer? Tokens { get; }

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

    /// <summary>Fails with the packages to install when docker-registry, htpasswd or skopeo is missing.</summary>
    public static void EnsureInstalled()
    {
        var missing = new[] { (Binary, "docker-registry"), ("/usr/bin/htpasswd", "apache2-utils"), ("/usr/bin/skopeo", "skopeo") }.Where(t => !File.Exists(t.Item1)).Select(t => t.Item2).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The registry tests need Debian's {string.Join(", ", missing)}: run `apt-get install -y {string.Join(' ', missing)}` (.ci/run does this before ./build.sh Test).");
        }
    }

    /// <param name="auth">How clients authenticate.</param>
    /// <param name="publicPort">The port clients reach it on when that is a proxy in front (upload Locations name it); default its own.</param>
    /// <param name="port">The port to listen on; default a free one.</param>
    public static async Task<DockerRegistry> StartAsync(RegistryAuthMode auth = RegistryAuthMode.Basic, int? publicPort = null, int? port = null, TokenServer? tokens = null)
    {
        EnsureInstalled();
        var folder = Directory.CreateTempSubdirectory("rt-registry-").FullName;
        var listen = port ?? FreePort();
        var config = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("log:\n  level: warn\n  accesslog:\n    disabled: true")
            .AppendLine($"storage:\n  filesystem:\n    rootdirectory: {folder}/data\n  delete:\n    enabled: true")
            .AppendLine($"http:\n  addr: 127.0.0.1:{listen}\n  secret: releasetargets-test-secret")
            .AppendLine(publicPort is { } p ? $"  host: http://127.0.0.1:{p}" : "");
        if (auth == RegistryAuthMode.Basic)
        {
            var htpasswd = await RunAsync("htpasswd", "-Bbn", Username, Password);
            await File.WriteAllTextAsync(Path.Combine(folder, "htpasswd"), htpasswd);
            config.AppendLine($"auth:\n  htpasswd:\n    realm: releasetargets-test\n    path: {folder}/htpasswd");
        }
        else if (auth == RegistryAuthMode.Token)
        {
            tokens ??= await TokenServer.StartAsync();
            var bundle = Path.Combine(folder, "token-root.pem");
            await File.WriteAllTextAsync(bundle, tokens.CertificatePem);
            config.AppendLine($"auth:\n  token:\n    realm: {tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {bundle}");
        }

        var configPath = Path.Combine(folder, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var process = Process.Start(new ProcessStartInfo(Binary) { ArgumentList = { "serve", configPath }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var registry = new DockerRegistry(process, folder, listen, tokens);
        await registry.WaitUntilListeningAsync();
        return registry;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a tool to completion; returns its standard output, or throws with everything it printed.</summary>
    public static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments.Select(a => a.Contains(Password, StringComparison.Ordinal) ? "***" : a))} exited {process.ExitCode}: {await stderr}{await stdout}");
        }

        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        using var client = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited {_process.ExitCode} at start: {Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseUri, "/v2/"));
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
