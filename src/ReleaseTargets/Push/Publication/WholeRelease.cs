using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Push.Upload;

namespace ReleaseTargets.Push.Publication;

/// <summary>A push without <c>--shard</c>: the release is published by creating its manifest, last and only if absent.</summary>
internal sealed class WholeRelease(BlobContainerClient container, PublicationStore store, string version, TimeProvider timeProvider, IReleaseLog log, IReadOnlyList<Registry.PublishedImage>? images = null) : IPublication
{
    public string? Shard => null;

    /// <summary>A published release is immutable: the same content is a no-op, different content is refused before a byte is sent.</summary>
    public Task EnsurePublishedHoldsAsync(ReleaseManifest? published, ReleaseClaim claim, ArtifactSet artifacts, Uri manifestUrl, CancellationToken cancellationToken)
    {
        if (!Lists(published, claim))
        {
            throw Published(manifestUrl);
        }

        return Task.CompletedTask;
    }

    /// <summary>The claim decides whole against sharded; shard records written by releases before the claim had a mode are refused here.</summary>
    public Refusal? RefusalBefore(IReadOnlyDictionary<string, CommittedBlob> committed) =>
        committed.Keys.FirstOrDefault(k => ShardRecord.ShardOf(version, k) is not null) is { } record
            ? new Refusal(
                "the release is pushed in shards",
                $"Release '{version}' is being pushed in shards ('{record}' exists), so this push without --shard was refused and sent nothing. " +
                "A version is published either by one push or in shards sealed by Seal: run Seal for it, or publish under a new --release-version.")
            : null;

    /// <summary>
    /// Creates <c>SHA256SUMS</c>, then the manifest, each only if absent; one already there (a concurrent push of the same
    /// content) must list exactly this release. The SHA-256s come from the claim: it holds this push's hashes.
    /// </summary>
    public async Task<Published> CompleteAsync(ReleaseClaim claim, IReadOnlyList<ArtifactResult> results, IReadOnlyDictionary<string, double> stageSeconds, TimeSpan pushed, CancellationToken cancellationToken)
    {
        var sha256s = claim.Artifacts.ToDictionary(a => a.Name, a => a.Sha256, StringComparer.Ordinal);
        await Sha256Sums.WriteAsync(container, store, version, claim.Artifacts, log, cancellationToken);
        var manifest = new ReleaseManifest(version, timeProvider.GetUtcNow(), results.Select(r => new ManifestArtifact(r.Name, r.Length, r.Md5, r.Url, sha256s.GetValueOrDefault(r.Name))).ToList(), stageSeconds) { Images = images };
        var client = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        var written = await store.CreateOrVerifyAsync(client, "Writing the release manifest", ReleaseManifest.Codec, manifest, stored => Lists(stored, claim), cancellationToken);
        return written.Verdict == Verdict.Different ? throw Published(client.Uri) : new Published(client.Uri, null);
    }

    private static bool Lists(ReleaseManifest? published, ReleaseClaim claim) => published?.Content.Digest == claim.ContentDigest;

    private ReleaseTargetsException Published(Uri manifestUrl) => new(
        $"Release '{version}' is already published with different artifacts ({manifestUrl}). Published releases are immutable: bump --release-version, or delete that release first.");
}
