using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Credentials;

/// <summary>
/// Mints a container-scoped, HTTPS-only user-delegation SAS with only the permissions a push needs:
/// create + write to stage and commit, read for resume (block list) and verification, list to find unchanged artifacts in one request.
/// The user delegation key is requested for a window that covers the SAS, so the SAS never outlives its key.
/// The key, the signature and the SAS are registered with the run's <paramref name="redactor"/>.
/// </summary>
internal sealed class UserDelegationSasIssuer(BlobServiceClient tokenClient, string containerName, Redactor redactor)
{
    public const BlobContainerSasPermissions Permissions =
        BlobContainerSasPermissions.Create | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List;

    /// <summary>What Verify and Fetch need, and nothing that could change the release: read (blobs, block lists) and list.</summary>
    public const BlobContainerSasPermissions ReadPermissions = BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List;

    public async Task<IssuedSas> IssueAsync(SasWindow window, CancellationToken cancellationToken = default) =>
        await IssueAsync(window, Permissions, cancellationToken);

    /// <summary>Mints a SAS with the given permissions (tests use this to prove a missing permission fails fast).</summary>
    public async Task<IssuedSas> IssueAsync(SasWindow window, BlobContainerSasPermissions permissions, CancellationToken cancellationToken = default)
    {
        var key = (await tokenClient.GetUserDelegationKeyAsync(window.KeyStartsOn, window.KeyExpiresOn, cancellationToken)).Value;
        redactor.Register(key.Value);

        var builder = new BlobSasBuilder(permissions, window.ExpiresOn)
        {
            BlobContainerName = containerName,
            Resource = "c",
            StartsOn = window.StartsOn,
            Protocol = SasProtocol.Https,
        };
        var sas = builder.ToSasQueryParameters(key, tokenClient.AccountName);
        redactor.Register(sas.Signature);
        var token = sas.ToString();
        redactor.Register(token);
        return new IssuedSas(token, window);
    }
}
