using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push;

/// <summary>
/// Takes and gives back a push's <see cref="ReleaseClaim"/>: the version's for a whole release, the shard's
/// (<c>_releasetargets/claims/&lt;version&gt;/&lt;shard&gt;.json</c>) for one shard, so shards of one version never refuse each other.
/// </summary>
internal sealed class ReleaseClaimant(BlobContainerClient container, StorageRequestRunner runner, string version, string? shard, TimeProvider timeProvider, IReleaseLog log)
{
    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };

    /// <summary>What the push publishes, for messages: "release '1.2.3'" or "shard 'linux' of release '1.2.3'".</summary>
    public string Subject => shard is null ? $"release '{version}'" : $"shard '{shard}' of release '{version}'";

    private string Capitalized => char.ToUpperInvariant(Subject[0]) + Subject[1..];

    /// <summary>
    /// A push that claimed the version and then failed before committing any blob gives the claim back, so that a re-run
    /// with corrected artifacts (a file changed after hashing, a missing permission fixed) is not refused as "another push".
    /// Once a blob is committed the claim stays: only this content can complete the release. Best effort, conditional on
    /// the claim being the one this push wrote.
    /// </summary>
    public async Task ReleaseIfNothingCommittedAsync(ETag? ownClaim, ReleaseClaim claim, PushReport report)
    {
        if (ownClaim is not { } etag || report.Artifacts.Any(a => a.Outcome is ArtifactOutcome.Uploaded or ArtifactOutcome.Resumed or ArtifactOutcome.Skipped))
        {
            return;
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10), timeProvider);
        try
        {
            // An overwrite of our own claim (If-Match), not a delete: the SAS stays least-privilege (no delete permission).
            var client = container.GetBlobClient(ReleaseClaim.BlobNameFor(version, shard));
            var released = BinaryData.FromString(claim.AsReleased(timeProvider.GetUtcNow()).ToJson());
            await runner.RunAsync($"Releasing the claim on '{version}'", ct => client.UploadAsync(released, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, ct), bounded.Token);
            log.Verbose($"Nothing of {Subject} was committed: its claim was given back, so a re-run may push other content.");
        }
        catch (Exception exception) when (exception is ReleaseTargetsException or OperationCanceledException)
        {
            log.Verbose($"The claim on {Subject} stays ({exception.Message}); it names this push's content.");
        }
    }

    /// <returns>The ETag of the claim this push wrote; null when it joined an existing claim for the same content.</returns>
    public async Task<ETag?> ClaimAsync(ReleaseClaim claim, StrongBox<int> control, CancellationToken cancellationToken)
    {
        var client = container.GetBlobClient(ReleaseClaim.BlobNameFor(version, shard));
        var step = $"Claiming {Subject}";
        var conditions = CreateOnly;
        // Each turn either writes the claim or reads one that another push wrote in between: a few turns settle any race.
        for (var turn = 0; ; turn++)
        {
            try
            {
                var written = await runner.RunAsync(step, ct => client.UploadAsync(BinaryData.FromString(claim.ToJson()), new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }, ct), cancellationToken, control);
                return written.Value.ETag;
            }
            catch (StorageRequestException exception) when (exception.Kind == FaultKind.AlreadyExists && turn < 4)
            {
            }

            var stored = await runner.RunAsync(step, async ct => (await client.DownloadContentAsync(ct)).Value, cancellationToken, control);
            var existing = ReleaseClaim.FromJson(stored.Content.ToString());
            if (existing is { Released: true })
            {
                // Given back by a push that committed nothing: take it over, unless another push does first.
                conditions = new BlobRequestConditions { IfMatch = stored.Details.ETag };
                continue;
            }

            if (existing?.ContentDigest == claim.ContentDigest)
            {
                log.Information($"{Capitalized} was claimed by {existing.ClaimedBy} at {existing.ClaimedAt:u} for this same content: completing it.");
                return null;
            }

            throw new ReleaseTargetsException(
                $"{Capitalized} is claimed by another push with different artifacts ({(existing is null ? "unreadable claim" : $"claimed by {existing.ClaimedBy} at {existing.ClaimedAt:u}; {existing.FirstDifference(claim)}")}). " +
                "A version is published with exactly one content, and nothing was sent. If that push is still running, let it finish; to finish it yourself, re-run Push --exclusive with " +
                $"its artifacts; otherwise publish under a new --release-version, or delete the unfinished release ('{version}/' and '{ReleaseClaim.BlobNameFor(version, shard)}') once no push of it is running.");
        }
    }
}
