using Azure;
using Azure.Storage.Blobs;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// Takes and gives back a push's <see cref="ReleaseClaim"/>: the version's for a whole release, the shard's
/// (<c>_releasetargets/claims/&lt;version&gt;/&lt;shard&gt;.json</c>) for one shard, so shards of one version never refuse each other.
/// </summary>
internal sealed class ReleaseClaimant(BlobContainerClient container, PublicationStore store, string version, string? shard, TimeProvider timeProvider, IReleaseLog log)
{
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
            await store.WriteAsync(client, $"Releasing the claim on '{version}'", ReleaseClaim.Codec, Own(claim).AsReleased(timeProvider.GetUtcNow()), etag, bounded.Token);
            log.Verbose($"Nothing of {Subject} was committed: its claim was given back, so a re-run may push other content.");
        }
        catch (Exception exception) when (exception is ReleaseTargetsException or OperationCanceledException)
        {
            log.Verbose($"The claim on {Subject} stays ({exception.Message}); it names this push's content.");
        }
    }

    /// <summary>
    /// Claims what this push publishes. A whole push claims the version (mode whole) for its content. A shard push first
    /// creates or joins the version's claim with mode sharded, then claims its own shard: the version's claim is the one
    /// conditional write a whole push and the shards race for, so exactly one mode wins and the loser fails before a byte.
    /// </summary>
    /// <returns>The ETag of the claim this push wrote; null when it joined an existing claim for the same content.</returns>
    public async Task<ETag?> ClaimAsync(ReleaseClaim claim, CancellationToken cancellationToken)
    {
        if (shard is null)
        {
            return await SettleAsync(ReleaseClaim.BlobNameFor(version), Own(claim), readFirst: false, existing => JudgeContent(existing, claim), cancellationToken);
        }

        // Read first: every shard after the first finds the sharded claim and joins it without a write.
        var forShards = ReleaseClaim.ForShards(version, claim.ClaimedAt, claim.ClaimedBy);
        await SettleAsync(ReleaseClaim.BlobNameFor(version), forShards, readFirst: true, JudgeVersionForShard, cancellationToken);
        return await SettleAsync(ReleaseClaim.BlobNameFor(version, shard), claim, readFirst: false, existing => JudgeContent(existing, claim), cancellationToken);
    }

    /// <summary>
    /// A shard push that finds the manifest already written: if the version was published whole, it is refused naming the
    /// whole push (not as "sealed"). Reads only: the version's claim decided the mode long ago.
    /// </summary>
    public async Task EnsureNotPublishedWholeAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadAsync(container.GetBlobClient(ReleaseClaim.BlobNameFor(version)), $"Reading the claim on '{version}'", ReleaseClaim.Codec, cancellationToken) is { } stored)
        {
            JudgeVersionForShard(stored.Value);
        }
    }

    private enum Judgement
    {
        Join,
        TakeOver,
    }

    /// <summary>The claim as this push writes it: a whole push's claim of the version records its mode.</summary>
    private ReleaseClaim Own(ReleaseClaim claim) => shard is null ? claim with { Mode = ReleaseClaim.WholeMode } : claim;

    /// <summary>
    /// The one claim protocol, settled by the <see cref="PublicationStore"/>: create if absent (If-None-Match: *), else
    /// read what is there and join it, take it over (If-Match on what was read, so only one of several racing pushes does)
    /// or refuse (the judge throws).
    /// </summary>
    private async Task<ETag?> SettleAsync(string blobName, ReleaseClaim mine, bool readFirst, Func<ReleaseClaim?, Judgement> judge, CancellationToken cancellationToken)
    {
        var step = blobName == ReleaseClaim.BlobNameFor(version) && shard is not null ? $"Claiming release '{version}' for shards" : $"Claiming {Subject}";
        return await store.SettleAsync(
            container.GetBlobClient(blobName),
            step,
            ReleaseClaim.Codec,
            readFirst,
            stored => stored is null || judge(stored.Value) == Judgement.TakeOver ? mine : null,
            cancellationToken);
    }

    /// <summary>A claim of content (the version's for a whole push, the shard's for a shard): the same content joins, a given-back claim is taken over.</summary>
    private Judgement JudgeContent(ReleaseClaim? existing, ReleaseClaim claim)
    {
        if (existing is { Released: true })
        {
            // Given back by a push that committed nothing: take it over, unless another push does first.
            return Judgement.TakeOver;
        }

        if (existing is { IsSharded: true })
        {
            throw new ReleaseTargetsException(
                $"Release '{version}' is being pushed in shards (claimed for shards by {existing.ClaimedBy} at {existing.ClaimedAt:u}), so this push without --shard was refused and nothing was sent. " +
                "A version is published either by one push or in shards sealed by Seal: push these files with --shard=<name> and run Seal for the version, or publish under a new --release-version.");
        }

        if (existing?.ContentDigest == claim.ContentDigest)
        {
            log.Information($"{Capitalized} was claimed by {existing.ClaimedBy} at {existing.ClaimedAt:u} for this same content: completing it.");
            return Judgement.Join;
        }

        throw new ReleaseTargetsException(
            $"{Capitalized} is claimed by another push with different artifacts ({(existing is null ? "unreadable claim" : $"claimed by {existing.ClaimedBy} at {existing.ClaimedAt:u}; {existing.FirstDifference(claim)}")}). " +
            "A version is published with exactly one content, and nothing was sent. If that push is still running, let it finish; to finish it yourself, re-run Push --exclusive with " +
            $"its artifacts; otherwise publish under a new --release-version, or delete the unfinished release ('{version}/' and '{ReleaseClaim.BlobNameFor(version, shard)}') once no push of it is running.");
    }

    /// <summary>The version's claim, seen by a shard push: sharded joins, a whole claim given back is taken over, a live whole claim refuses the shard.</summary>
    private Judgement JudgeVersionForShard(ReleaseClaim? existing)
    {
        if (existing is { IsSharded: true })
        {
            return Judgement.Join;
        }

        if (existing is { Released: true })
        {
            return Judgement.TakeOver;
        }

        throw new ReleaseTargetsException(
            $"Release '{version}' is being pushed whole, without --shard ({(existing is null ? "unreadable claim" : $"claimed by {existing.ClaimedBy} at {existing.ClaimedAt:u}")}), so shard '{shard}' was refused and nothing was sent. " +
            "A version is published either by one push or in shards sealed by Seal: publish the shards under a new --release-version.");
    }
}
