using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using ReleaseTargets.Emulator;

namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>
/// One real Azurite per test collection: a free port, a fresh state folder deleted afterwards, and the npm install
/// shared by every collection under <c>.nuke/temp/azurite/package</c> so only the first run pays for it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteEmulator? _emulator;

    /// <summary>Where every emulator started by the tests installs the pinned package.</summary>
    public static string SharedInstallDirectory =>
        Path.Combine(RepositoryRoot.Path, ".nuke", "temp", "azurite", "package");

    internal AzuriteEmulator Emulator => _emulator ?? throw new InvalidOperationException("The Azurite fixture has not started.");

    public string StateDirectory { get; } = NewStateDirectory();

    public CapturingLog Log { get; } = new();

    /// <summary>A fresh, empty folder under the temp folder for one emulator's state.</summary>
    public static string NewStateDirectory() =>
        Path.Combine(Path.GetTempPath(), "releasetargets-azurite-" + Guid.NewGuid().ToString("N"));

    private static readonly Lazy<Task> Installed = new(() => AzuriteInstaller.InstallAsync(
        CreateOptions(NewStateDirectory()).Validate(), NodeTools.Find(Environment.GetEnvironmentVariable("PATH")), new CapturingLog(), TimeProvider.System));

    /// <summary>
    /// Installs the shared package once per test run (a no-op when the stamp says it is there). Tests that time an
    /// emulator's start call this first: on a fresh machine the install alone takes a minute or more while every other
    /// collection starts too.
    /// </summary>
    public static Task EnsureInstalledAsync() => Installed.Value;

    /// <summary>Options for an emulator of its own, sharing the install so it starts in about a second.</summary>
    internal static AzuriteOptions CreateOptions(string stateDirectory) =>
        new() { StateDirectory = stateDirectory, InstallDirectory = SharedInstallDirectory };

    public static void DeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temp folder left behind must not fail a test run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public async Task InitializeAsync() =>
        _emulator = await AzuriteEmulator.StartAsync(CreateOptions(StateDirectory), Log, TimeProvider.System);

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        DeleteDirectory(StateDirectory);
    }

    /// <summary>
    /// Client options for this emulator: pinned transport, no SDK retries (tests see every fault), and MD5 transfer
    /// validation, because Azurite stores CRC64 "structured message" bodies encoded.
    /// </summary>
    public BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions { Transport = Emulator.CreateTransport() };
        options.Retry.MaxRetries = 0;
        options.TransferValidation.Upload.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        options.TransferValidation.Download.ChecksumAlgorithm = StorageChecksumAlgorithm.MD5;
        return options;
    }

    /// <summary>A service client authenticated with the emulator's bearer token.</summary>
    public BlobServiceClient CreateTokenClient() =>
        new(Emulator.BlobServiceUri, Emulator.CreateTokenCredential(), CreateClientOptions());

    /// <summary>A container client authenticated only by <paramref name="sas"/>, as a push would be.</summary>
    public BlobContainerClient CreateSasContainerClient(string containerName, AzureSasCredential sas) =>
        new(new Uri(Emulator.BlobServiceUri + "/" + containerName), sas, CreateClientOptions());

    /// <summary>
    /// A user-delegation SAS (query string without '?') for <paramref name="containerName"/>, valid from
    /// <paramref name="startsOn"/> (default: 15 minutes ago) until <paramref name="expiresOn"/>.
    /// </summary>
    public async Task<string> CreateUserDelegationSasAsync(
        string containerName,
        BlobContainerSasPermissions permissions,
        DateTimeOffset expiresOn,
        DateTimeOffset? startsOn = null,
        CancellationToken cancellationToken = default)
    {
        var start = startsOn ?? TimeProvider.System.GetUtcNow().AddMinutes(-15);
        var key = await CreateTokenClient().GetUserDelegationKeyAsync(start, expiresOn, cancellationToken);
        var builder = new BlobSasBuilder(permissions, expiresOn)
        {
            BlobContainerName = containerName,
            StartsOn = start,
        };
        return builder.ToSasQueryParameters(key.Value, Emulator.AccountName).ToString();
    }
}
