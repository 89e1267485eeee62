using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Push.Upload;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// How a push publishes: a whole release ends with the manifest (<see cref="WholeRelease"/>), one shard of a sharded
/// release ends with its shard record and leaves the manifest to Seal (<see cref="ShardPublication"/>). Chosen once per
/// push by <see cref="For"/>.
/// </summary>
internal interface IPublication
{
    /// <summary>The shard this push publishes (canonical name), or null for a whole release.</summary>
    string? Shard { get; }

    /// <summary>
    /// The manifest is already there (<paramref name="published"/> null when unreadable): this push may only be a no-op
    /// re-run of what it lists; anything else throws before a byte is sent.
    /// </summary>
    Task EnsurePublishedHoldsAsync(ReleaseManifest? published, ReleaseClaim claim, ArtifactSet artifacts, Uri manifestUrl, CancellationToken cancellationToken);

    /// <summary>After the claim, from the listing of the release: why this push must not upload, or null to go on.</summary>
    Refusal? RefusalBefore(IReadOnlyDictionary<string, CommittedBlob> committed);

    /// <summary>Every artifact is committed: writes what makes the push's part of the release visible (create-or-verify).</summary>
    Task<Published> CompleteAsync(ReleaseClaim claim, IReadOnlyList<ArtifactResult> results, IReadOnlyDictionary<string, double> stageSeconds, TimeSpan pushed, CancellationToken cancellationToken);

    /// <param name="images">The images pushed before the files, recorded in the manifest (or the shard record); null when none.</param>
    static IPublication For(BlobContainerClient container, PublicationStore store, ReleaseClaimant claimant, string version, string? shard, TimeProvider timeProvider, IReleaseLog log, IReadOnlyList<Registry.PublishedImage>? images) =>
        shard is null ? new WholeRelease(container, store, version, timeProvider, log, images) : new ShardPublication(container, store, claimant, version, shard, timeProvider, log, images);
}

/// <summary>Why a push stopped before uploading: what the report says stopped it, and the message.</summary>
internal sealed record Refusal(string StoppedBy, string Message);

/// <summary>What a completed push wrote: the manifest (whole) or its shard record.</summary>
internal sealed record Published(Uri? ManifestUrl, Uri? RecordUrl);
