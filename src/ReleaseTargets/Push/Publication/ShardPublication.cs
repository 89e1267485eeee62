using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Push;

/// <summary>
/// The publication rules of one shard's push (<c>--shard</c>): a sealed version takes no new content, and the shard ends
/// by recording what it published (create-only) instead of writing the manifest, which Seal writes once every shard is
/// recorded. Whole against sharded is decided by the version's claim (<see cref="ReleaseClaimant"/>).
/// </summary>
internal sealed class ShardPublication(BlobContainerClient container, RequestRunner runner, string version, string shard, IReleaseLog log)
{
    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };

    /// <summary>Once sealed, a re-run of a shard whose artifacts are all in the manifest is a no-op; anything else is refused before a byte is sent.</summary>
    public static void EnsureSealedHolds(ReleaseManifest? published, ArtifactSet artifacts, string version, string shard, Uri manifestUrl)
    {
        var listed = (published?.Artifacts ?? []).ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var a in artifacts.Artifacts)
        {
            var md5 = Convert.ToBase64String(a.Md5);
            var there = listed.GetValueOrDefault(a.RelativePath);
            if (there is null || there.Size != a.Length || there.Md5 != md5)
            {
                var why = there is null ? "is not in it" : $"is {there.Size} bytes with MD5 '{there.Md5}' there, {a.Length} bytes with MD5 '{md5}' here";
                throw new ReleaseTargetsException(
                    $"Release '{version}' is sealed ({manifestUrl}): pushing an artifact to a sealed version is refused, and shard '{shard}' sent nothing ('{a.RelativePath}' {why}). " +
                    "Sealed releases are immutable: publish under a new --release-version.");
            }
        }
    }

    /// <summary>
    /// A re-run of a recorded shard must bring the content it recorded: after the seal, files that happen to be in the
    /// manifest under another shard's record are not this shard's content (a shard name is published with one content).
    /// </summary>
    public async Task EnsureRecordedAsAsync(string contentDigest, StrongBox<int> control, CancellationToken cancellationToken)
    {
        var client = container.GetBlobClient(ShardRecord.BlobNameFor(version, shard));
        ShardRecord? stored;
        try
        {
            stored = ShardRecord.FromJson((await runner.RunAsync($"Reading the record of shard '{shard}'", async ct => (await client.DownloadContentAsync(ct)).Value.Content, cancellationToken, control)).ToString());
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.NotFound)
        {
            return;
        }

        if (stored?.ContentDigest != contentDigest)
        {
            throw DifferentContent(client.Uri, stored);
        }
    }

    /// <summary>Writes the shard record only if absent; one already there (an identical re-run) must name the same content.</summary>
    public async Task<Uri> RecordAsync(ShardRecord record, StrongBox<int> control, CancellationToken cancellationToken)
    {
        var client = container.GetBlobClient(ShardRecord.BlobNameFor(version, shard));
        var step = $"Recording shard '{shard}' of '{version}'";
        try
        {
            await runner.RunAsync(step, ct => client.UploadAsync(BinaryData.FromString(record.ToJson()), new BlobUploadOptions { Conditions = CreateOnly, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct), cancellationToken, control);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists)
        {
            var stored = ShardRecord.FromJson((await runner.RunAsync(step, async ct => (await client.DownloadContentAsync(ct)).Value.Content, cancellationToken, control)).ToString());
            if (stored?.ContentDigest != record.ContentDigest)
            {
                throw DifferentContent(client.Uri, stored);
            }

            log.Verbose($"Shard '{shard}' of release '{version}' was already recorded with this same content.");
        }

        return client.Uri;
    }

    private ReleaseTargetsException DifferentContent(Uri recordUrl, ShardRecord? stored) => new(
        $"Shard '{shard}' of release '{version}' is already recorded with different artifacts ({recordUrl}{(stored is null ? ", unreadable" : $", recorded by {stored.RecordedBy} at {stored.RecordedAt:u}")}). " +
        "A shard name is published with exactly one content: give this shard another --shard name, or publish under a new --release-version.");
}
