using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Resilience;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Tests.Verify;

/// <summary>
/// A <see cref="ReleaseVerifier"/> as Verify runs it: a container client holding only a read+list user-delegation SAS,
/// the one request pipeline, and (with download) a test-only reader that downloads and hashes a blob.
/// </summary>
internal static class VerifyHarness
{
    private static readonly PushRetryOptions Retry = new() { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) };

    public static async Task<VerifyReport> VerifyAsync(AzuriteFixture azurite, string version, bool download, CapturingLog? log = null, string container = "releases")
    {
        log ??= new CapturingLog();
        var sas = await azurite.CreateUserDelegationSasAsync(container, BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, TimeProvider.System.GetUtcNow().AddHours(1));
        var client = azurite.CreateSasContainerClient(container, new AzureSasCredential(sas));
        var runner = new RequestRunner(Retry, TimeProvider.System, NoRenewal.Instance, container, log);
        return await new ReleaseVerifier(client, runner, TimeProvider.System, log, download ? DownloadAndHashAsync : null).VerifyAsync(version);
    }

    /// <summary>Test-only stand-in for the Fetch reader: downloads the whole blob and hashes it.</summary>
    public static async Task<(byte[] Md5, byte[] Sha256)> DownloadAndHashAsync(ManifestArtifact artifact, BlobClient blob, CancellationToken cancellationToken)
    {
        // The SDK's own check of a whole download against the stored Content-MD5 is off: the verifier compares the hashes.
        var options = new BlobDownloadOptions { TransferValidation = new DownloadTransferValidationOptions { AutoValidateChecksum = false } };
        var bytes = (await blob.DownloadContentAsync(options, cancellationToken)).Value.Content.ToArray();
        return (MD5.HashData(bytes), SHA256.HashData(bytes));
    }
}
