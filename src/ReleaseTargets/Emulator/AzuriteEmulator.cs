using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Emulator;

/// <summary>
/// A local Azurite blob service over HTTPS with OAuth, for running a release with no storage account configured.
/// Start with <see cref="StartAsync"/>; <see cref="DisposeAsync"/> stops it. Clients must use
/// <see cref="CreateTransport"/> (or <see cref="CreatePinnedHandler"/>), which trusts exactly this emulator's
/// self-signed certificate, and <see cref="CreateTokenCredential"/>.
/// </summary>
internal sealed class AzuriteEmulator : IAsyncDisposable
{
    private readonly AzuriteProcess _process;
    private readonly AzuriteStateLock _stateLock;
    private readonly AzuriteSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _certificateData;
    private readonly Guid _tenantId = Guid.NewGuid();

    private AzuriteEmulator(AzuriteProcess process, AzuriteStateLock stateLock, AzuriteSettings settings, X509Certificate2 certificate, TimeProvider timeProvider)
    {
        _process = process;
        _stateLock = stateLock;
        _settings = settings;
        _timeProvider = timeProvider;
        Certificate = certificate;
        _certificateData = certificate.RawData;
        BlobServiceUri = new Uri($"https://{AzuriteDefaults.Host}:{process.Port}/{AzuriteDefaults.AccountName}");
    }

    /// <summary>The blob endpoint, e.g. <c>https://127.0.0.1:PORT/devstoreaccount1</c>.</summary>
    public Uri BlobServiceUri { get; }

    /// <summary>The emulator's storage account name: <c>devstoreaccount1</c>.</summary>
    public string AccountName => AzuriteDefaults.AccountName;

    /// <summary>The self-signed certificate Azurite serves (public part only). Disposed with the emulator.</summary>
    public X509Certificate2 Certificate { get; }

    internal int ProcessId => _process.ProcessId;

    /// <summary>
    /// Checks that <c>node</c> and <c>npm</c> are on <paramref name="pathVariable"/> (default: this process's PATH)
    /// and throws a one-line <see cref="ReleaseTargetsException"/> naming the missing tool when not.
    /// </summary>
    public static void EnsurePrerequisites(string? pathVariable = null) =>
        NodeTools.Find(pathVariable ?? Environment.GetEnvironmentVariable("PATH"));

    /// <summary>
    /// Takes ownership of the state folder (an OS lock held until <see cref="DisposeAsync"/>; while another run holds
    /// it, waits and says so every 30 seconds), stops an Azurite left in that folder by a run that died, installs the
    /// pinned Azurite (first use only), creates or reuses the certificate, starts the blob service and waits until it
    /// listens. A read-only state folder fails at once.
    /// </summary>
    public static async Task<AzuriteEmulator> StartAsync(
        AzuriteOptions options, IReleaseLog log, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var tools = NodeTools.Find(Environment.GetEnvironmentVariable("PATH"));
        var settings = options.Validate();
        StateDirectoryCheck.EnsureWritable(settings.StateDirectory, "AzuriteOptions.StateDirectory");
        Directory.CreateDirectory(settings.DataDirectory);

        var stateLock = await AzuriteStateLock.AcquireAsync(settings.StateDirectory, settings.PidFile, log, timeProvider, cancellationToken);
        X509Certificate2? certificate = null;
        try
        {
            // Only the lock holder may call an Azurite in this folder stale: its owner, had it lived, would hold the lock.
            await AzuritePidFile.KillStaleAsync(settings.PidFile, settings.DataDirectory, log, timeProvider, cancellationToken);
            var installed = await AzuriteInstaller.InstallAsync(settings, tools, log, timeProvider, cancellationToken);
            certificate = EmulatorCertificate.LoadOrCreate(settings.StateDirectory, timeProvider);
            string[] arguments =
            [
                installed.BlobEntryScript,
                "--blobHost", AzuriteDefaults.Host,
                "--blobPort", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--oauth", "basic",
                "--cert", Path.Combine(settings.StateDirectory, EmulatorCertificate.CertificateFileName),
                "--key", Path.Combine(settings.StateDirectory, EmulatorCertificate.KeyFileName),
                "--location", settings.DataDirectory,

                // Azure.Storage.Blobs 12.30.1 sends a service version newer than Azurite 3.37.0 knows.
                "--skipApiVersionCheck",
                "--disableTelemetry",
            ];
            var started = timeProvider.GetTimestamp();
            var process = await AzuriteProcess.StartAsync(
                tools.NodePath, arguments, settings.StateDirectory, settings.StartTimeout, log, timeProvider, cancellationToken);
            AzuritePidFile.Write(settings.PidFile, process.ProcessId);
            var emulator = new AzuriteEmulator(process, stateLock, settings, certificate, timeProvider);
            log.Information($"Azurite {installed.Version} listening on https://{AzuriteDefaults.Host}:{process.Port} (data: {settings.DataDirectory})");
            log.Verbose($"Azurite started in {timeProvider.GetElapsedTime(started).TotalSeconds:0.00} s (pid {process.ProcessId}).");
            return emulator;
        }
        catch
        {
            certificate?.Dispose();
            stateLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A handler that accepts exactly <see cref="Certificate"/> (byte for byte) and nothing else. Chain errors are
    /// expected for a self-signed certificate and tolerated; name mismatches and any other certificate are not.
    /// </summary>
    public HttpMessageHandler CreatePinnedHandler() => PinnedCertificateHandler.Create(_certificateData);

    /// <summary>An Azure SDK transport over <see cref="CreatePinnedHandler"/>; set it on the client options.</summary>
    public HttpPipelineTransport CreateTransport() => new HttpClientTransport(CreatePinnedHandler());

    /// <summary>
    /// A credential whose unsigned tokens only this emulator accepts (Azurite checks claims, not signatures).
    /// Use it only with <see cref="BlobServiceUri"/>; real Azure Storage rejects it.
    /// </summary>
    public TokenCredential CreateTokenCredential() => new EmulatorTokenCredential(_timeProvider, _tenantId);

    /// <summary>
    /// Stops Azurite (cleanly when it can, killing its process tree when it cannot), forgets its pid, and only then
    /// releases the state folder to a waiting run.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var processId = _process.ProcessId;
        try
        {
            await _process.DisposeAsync();
            AzuritePidFile.DeleteIfOwned(_settings.PidFile, processId);
            Certificate.Dispose();
        }
        finally
        {
            _stateLock.Dispose();
        }
    }
}
