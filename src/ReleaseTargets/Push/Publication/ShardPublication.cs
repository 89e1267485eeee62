using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Push.Upload;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// The publication rules of one shard's push (<c>--shard</c>): a sealed version takes no new content, and the shard ends
/// by recording what it published (create-only) instead of writing the manifest, which Seal writes once every shard is
/// recorded. Whole against sharded is decided by the version's claim (<see cref="ReleaseClaimant"/>).
/// </summary>
internal sealed class ShardPublication(BlobContainerClient container, PublicationStore store, ReleaseClaimant claimant, string version, string shard, TimeProvider timeProvider, IReleaseLog log, IReadOnlyList<Registry.PublishedImage>? images = null) : IPublication
{
    private readonly BlobClient _record = container.GetBlobClient(ShardRecord.BlobNameFor(version, shard));

    public string? Shard => shard;

    /// <summary>
    /// Once sealed, a re-run of a shard whose artifacts are all in the manifest, with the content it recorded, is a
    /// no-op; anything else is refused before a byte is sent. A version published whole is refused naming the whole push.
    /// </summary>
    public async Task EnsurePublishedHoldsAsync(ReleaseManifest? published, ReleaseClaim claim, ArtifactSet artifacts, Uri manifestUrl, CancellationToken cancellationToken)
    {
        await claimant.EnsureNotPublishedWholeAsync(cancellationToken);
        EnsureSealedHolds(published, artifacts, manifestUrl);
        await EnsureRecordedAsAsync(claim.ContentDigest, cancellationToken);
    }

    /// <summary>The version's claim already decided the mode, and other shards' records are expected: nothing to refuse.</summary>
    public Refusal? RefusalBefore(IReadOnlyDictionary<string, CommittedBlob> committed) => null;

    /// <summary>Writes the shard record only if absent; one already there (an identical re-run) must name the same content.</summary>
    public async Task<Published> CompleteAsync(ReleaseClaim claim, IReadOnlyList<ArtifactResult> results, IReadOnlyDictionary<string, double> stageSeconds, TimeSpan pushed, CancellationToken cancellationToken)
    {
        var seconds = stageSeconds.ToDictionary(StringComparer.Ordinal);
        seconds[Stages.ReleaseStages.Push] = Math.Round(pushed.TotalSeconds, 3);
        var record = ShardRecord.For(claim, shard, timeProvider.GetUtcNow(), seconds) with { Images = images };
        var written = await store.CreateOrVerifyAsync(_record, $"Recording shard '{shard}' of '{version}'", ShardRecord.Codec, record, stored => stored?.ContentDigest == record.ContentDigest, cancellationToken);
        if (written.Verdict == Verdict.Different)
        {
            throw DifferentContent(written.Stored);
        }

        if (written.Verdict == Verdict.Same)
        {
            log.Verbose($"Shard '{shard}' of release '{version}' was already recorded with this same content.");
        }

        return new Published(null, _record.Uri);
    }

    private void EnsureSealedHolds(ReleaseManifest? published, ArtifactSet artifacts, Uri manifestUrl)
    {
        var listed = (published?.Artifacts ?? []).Select(a => a.Content).ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var mine in artifacts.Artifacts.Select(ArtifactContent.Of))
        {
            var there = listed.GetValueOrDefault(mine.Name);
            if (there != mine)
            {
                var why = there is null ? "is not in it" : $"is {there.Length} bytes with MD5 '{there.Md5}' there, {mine.Length} bytes with MD5 '{mine.Md5}' here";
                throw new ReleaseTargetsException(
                    $"Release '{version}' is sealed ({manifestUrl}): pushing an artifact to a sealed version is refused, and shard '{shard}' sent nothing ('{mine.Name}' {why}). " +
                    "Sealed releases are immutable: publish under a new --release-version.");
            }
        }
    }

    /// <summary>
    /// A re-run of a recorded shard must bring the content it recorded: after the seal, files that happen to be in the
    /// manifest under another shard's record are not this shard's content (a shard name is published with one content).
    /// </summary>
    private async Task EnsureRecordedAsAsync(string contentDigest, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(_record, $"Reading the record of shard '{shard}'", ShardRecord.Codec, cancellationToken) is { } stored && stored.Value?.ContentDigest != contentDigest)
        {
            throw DifferentContent(stored.Value);
        }
    }

    private ReleaseTargetsException DifferentContent(ShardRecord? stored) => new(
        $"Shard '{shard}' of release '{version}' is already recorded with different artifacts ({_record.Uri}{(stored is null ? ", unreadable" : $", recorded by {stored.RecordedBy} at {stored.RecordedAt:u}")}). " +
        "A shard name is published with exactly one content: give this shard another --shard name, or publish under a new --release-version.");
}
