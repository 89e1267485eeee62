using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Emulator;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Emulator;

[Collection("Azurite")]
public sealed class AzuriteEmulatorTests(AzuriteFixture fixture)
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    [Fact]
    public async Task StartAsync_Started_LogsOneInformationLineNamingVersionEndpointAndData()
    {
        var port = fixture.Emulator.BlobServiceUri.Port;
        var expected = $"Azurite 3.37.0 listening on https://127.0.0.1:{port} (data: {Path.Combine(fixture.StateDirectory, "data")})";

        var started = fixture.Log.Lines.Where(l => l.Level == ReleaseLogLevel.Information && l.Message.Contains("listening", StringComparison.Ordinal)).ToList();

        Assert.Equal(expected, Assert.Single(started).Message);
        Assert.Equal(new Uri($"https://127.0.0.1:{port}/devstoreaccount1"), fixture.Emulator.BlobServiceUri);
        Assert.Equal("devstoreaccount1", fixture.Emulator.AccountName);
        var properties = await fixture.CreateTokenClient().GetPropertiesAsync();
        Assert.NotNull(properties.Value);
    }

    [Fact]
    public async Task CreateTokenCredential_GetUserDelegationKey_ReturnsKeyForRequestedWindow()
    {
        var start = TimeProvider.System.GetUtcNow().AddMinutes(-15);
        var expiry = start.AddHours(2);

        var key = (await fixture.CreateTokenClient().GetUserDelegationKeyAsync(start, expiry, CancellationToken.None)).Value;

        Assert.False(string.IsNullOrEmpty(key.Value));
        Assert.Equal(expiry.ToUnixTimeSeconds(), key.SignedExpiresOn.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task UserDelegationSas_UploadThenReadWithToken_ReturnsSameMd5()
    {
        var containerName = "sas-" + Guid.NewGuid().ToString("N");
        await fixture.CreateTokenClient().CreateBlobContainerAsync(containerName);
        var sas = await fixture.CreateUserDelegationSasAsync(
            containerName, BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write, TimeProvider.System.GetUtcNow() + OneHour);
        var bytes = RandomNumberGenerator.GetBytes((1024 * 1024) + 123);

        // Small blocks force Stage Block + Put Block List, the path a resumable push takes.
        var upload = new BlobUploadOptions { TransferOptions = new() { InitialTransferSize = 256 * 1024, MaximumTransferSize = 256 * 1024 } };
        await fixture.CreateSasContainerClient(containerName, new AzureSasCredential(sas))
            .GetBlobClient("artifact.bin").UploadAsync(new BinaryData(bytes), upload);
        var downloaded = await fixture.CreateTokenClient().GetBlobContainerClient(containerName)
            .GetBlobClient("artifact.bin").DownloadContentAsync();

        Assert.Equal(Convert.ToHexString(MD5.HashData(bytes)), Convert.ToHexString(MD5.HashData(downloaded.Value.Content.ToArray())));
    }

    [Fact]
    public async Task UserDelegationSas_ReadWithoutReadPermission_IsRefused()
    {
        var containerName = "perm-" + Guid.NewGuid().ToString("N");
        await fixture.CreateTokenClient().CreateBlobContainerAsync(containerName);
        var sas = await fixture.CreateUserDelegationSasAsync(containerName, BlobContainerSasPermissions.Write, TimeProvider.System.GetUtcNow() + OneHour);
        var blob = fixture.CreateSasContainerClient(containerName, new AzureSasCredential(sas)).GetBlobClient("a.txt");
        await blob.UploadAsync(BinaryData.FromString("x"));

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync());

        Assert.Equal(403, failure.Status);
    }

    [Fact]
    public async Task CreatePinnedHandler_ThisEmulator_CompletesTls()
    {
        using var client = new HttpClient(fixture.Emulator.CreatePinnedHandler());

        // Any HTTP status proves the handshake succeeded; Azurite refuses the anonymous request itself.
        using var response = await client.GetAsync(fixture.Emulator.BlobServiceUri + "?comp=list");

        Assert.NotEqual(0, (int)response.StatusCode);
    }

    [Fact]
    public async Task CreatePinnedHandler_CertificateOfAnotherEmulator_FailsTls()
    {
        var state = AzuriteFixture.NewStateDirectory();
        try
        {
            await using var other = await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(state), new CapturingLog(), TimeProvider.System);
            Assert.NotEqual(other.Certificate.RawData, fixture.Emulator.Certificate.RawData);
            using var client = new HttpClient(other.CreatePinnedHandler());

            var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(fixture.Emulator.BlobServiceUri + "?comp=list"));

            Assert.IsType<AuthenticationException>(failure.InnerException);
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(state);
        }
    }

    [Fact]
    public async Task Certificate_DefaultHandler_IsNotTrustedBySystem()
    {
        using var client = new HttpClient();

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(fixture.Emulator.BlobServiceUri + "?comp=list"));

        Assert.IsType<AuthenticationException>(failure.InnerException);
    }

    [Fact]
    public void EnsurePrerequisites_PathWithoutNode_ThrowsOneLineNamingNode()
    {
        var folder = CreateFolderWithExecutables("npm");
        try
        {
            var failure = Assert.Throws<ReleaseTargetsException>(() => AzuriteEmulator.EnsurePrerequisites(folder));

            Assert.Equal(
                "The local Azurite emulator needs Node.js and npm on PATH ('node' was not found). Install Node.js 20, or set StorageUrl (--storage-url / RELEASETARGETS_STORAGE_URL) to a real storage account.",
                failure.Message);
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(folder);
        }
    }

    [Fact]
    public void EnsurePrerequisites_EmptyPath_NamesNodeAndNpm()
    {
        var failure = Assert.Throws<ReleaseTargetsException>(() => AzuriteEmulator.EnsurePrerequisites(string.Empty));

        Assert.Contains("('node' and 'npm' were not found)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void EnsurePrerequisites_PathWithNodeAndNpm_DoesNotThrow()
    {
        var folder = CreateFolderWithExecutables("node", "npm");
        try
        {
            AzuriteEmulator.EnsurePrerequisites(folder);
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(folder);
        }
    }

    [Fact]
    public async Task StartAsync_PidFileOfDeadProcess_StartsAndRecordsNewPid()
    {
        var state = AzuriteFixture.NewStateDirectory();
        try
        {
            Directory.CreateDirectory(state);
            var deadPid = await RunToExitAsync();
            var pidFile = Path.Combine(state, "azurite.pid");
            await File.WriteAllTextAsync(pidFile, deadPid.ToString(CultureInfo.InvariantCulture));

            await using var emulator = await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(state), new CapturingLog(), TimeProvider.System);

            Assert.Equal(emulator.ProcessId.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(pidFile));
            Assert.True(await AcceptsConnectionsAsync(emulator.BlobServiceUri.Port));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(state);
        }
    }

    [Fact]
    public async Task DisposeAsync_Running_StopsProcessAndFreesPort()
    {
        var state = AzuriteFixture.NewStateDirectory();
        try
        {
            var emulator = await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(state), new CapturingLog(), TimeProvider.System);
            var port = emulator.BlobServiceUri.Port;
            Assert.True(await AcceptsConnectionsAsync(port));

            await emulator.DisposeAsync();

            Assert.True(Processes.HasExited(emulator.ProcessId));
            Assert.False(await AcceptsConnectionsAsync(port));
            Assert.False(File.Exists(Path.Combine(state, "azurite.pid")));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(state);
        }
    }

    private static string CreateFolderWithExecutables(params string[] names)
    {
        var folder = AzuriteFixture.NewStateDirectory();
        Directory.CreateDirectory(folder);
        foreach (var name in names)
        {
            var path = Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);
            File.WriteAllText(path, string.Empty);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
        }

        return folder;
    }

    private static async Task<int> RunToExitAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
