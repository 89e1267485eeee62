using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// What the service holds under a prefix, from one listing (committed blobs only, each with its length and stored
/// Content-MD5) instead of a request per blob, and how a stored blob differs from what a publication document says it
/// holds. The push, Seal and Verify all look at a release this way.
/// </summary>
internal static class StoredBlobs
{
    /// <summary>Every committed blob under <paramref name="prefix"/>, by name; one listing through the run's pipeline.</summary>
    public static async Task<Dictionary<string, BlobItem>> ListAsync(BlobContainerClient container, RequestRunner runner, string step, string prefix, StrongBox<int>? retries, CancellationToken cancellationToken) =>
        await runner.RunAsync(step, async ct =>
        {
            var found = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
            {
                found[item.Name] = item;
            }

            return found;
        }, cancellationToken, retries);

    /// <summary>The stored Content-MD5 (base64), or null when the blob has none.</summary>
    public static string? Md5Of(BlobItem blob) => blob.Properties.ContentHash is { Length: > 0 } hash ? Convert.ToBase64String(hash) : null;

    /// <returns>
    /// Null when <paramref name="stored"/> has <paramref name="expected"/>'s length and MD5; else how it differs, worded to
    /// follow the artifact's name: "is not in storage", or "as 10 bytes with MD5 'x' is 8 bytes with MD5 'y' in storage".
    /// </returns>
    public static string? Difference(ArtifactContent expected, BlobItem? stored)
    {
        if (stored is null)
        {
            return "is not in storage";
        }

        var md5 = Md5Of(stored);
        return stored.Properties.ContentLength == expected.Length && md5 == expected.Md5
            ? null
            : $"as {expected.Length} bytes with MD5 '{expected.Md5}' is {stored.Properties.ContentLength} bytes with {(md5 is null ? "no MD5" : $"MD5 '{md5}'")} in storage";
    }
}
