using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Verify;

/// <summary>
/// Verifies a published release against its manifest (issue 22): the manifest is there and readable (else says why — not
/// published, or pushed in shards and not sealed); every artifact it lists is committed with the listed length and
/// Content-MD5, from one listing of the version (not a request per blob); with a reader, every byte is also read and its
/// MD5 and SHA-256 compared. Every problem is collected, none stops the others; blobs the manifest does not list are a
/// warning. Every request goes through the run's <see cref="RequestRunner"/>.
/// </summary>
/// <param name="download">Reads one artifact's blob and returns its MD5 and SHA-256 (the Fetch reader); null: metadata only.</param>
internal sealed class ReleaseVerifier(
    BlobContainerClient container,
    RequestRunner runner,
    TimeProvider timeProvider,
    IReleaseLog log,
    Func<ManifestArtifact, BlobClient, CancellationToken, Task<(byte[] Md5, byte[] Sha256)>>? download = null)
{
    public async Task<VerifyReport> VerifyAsync(string version, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        var control = new StrongBox<int>();
        var store = new PublicationStore(runner, control);
        var manifestBlob = container.GetBlobClient(ReleaseManifest.BlobNameFor(version));
        VerifyReport Result(VerifyStatus status, IReadOnlyList<VerifyFinding> findings, int checkedCount = 0, long downloaded = 0, IReadOnlyList<string>? unlisted = null) =>
            new(version, status, findings, checkedCount, downloaded, manifestBlob.Uri, download is not null, unlisted ?? [], timeProvider.GetElapsedTime(started), control.Value);

        var stored = await store.ReadAsync(manifestBlob, $"Reading the manifest of release '{version}'", ReleaseManifest.Codec, cancellationToken);
        VerifyReport result;
        if (stored is null)
        {
            var (status, findings) = await new UnpublishedRelease(container, runner, store, control).DescribeAsync(version, cancellationToken);
            result = Result(status, findings);
        }
        else if (stored.Value is not { Artifacts: not null } manifest || manifest.Artifacts.Any(a => a?.Name is null || a.Md5 is null))
        {
            result = Result(VerifyStatus.Mismatch, [new VerifyFinding($"'{ReleaseManifest.FileName}'", "is not a readable release manifest (not the JSON a push or Seal writes), so no artifact could be checked")]);
        }
        else
        {
            var findings = new ConcurrentBag<VerifyFinding>();
            if (manifest.Version != version)
            {
                findings.Add(new VerifyFinding($"'{ReleaseManifest.FileName}'", $"names release '{ServerText.Sanitize(manifest.Version)}', not '{version}'"));
            }

            var blobs = await StoredBlobs.ListAsync(container, runner, $"Listing release '{version}'", version + "/", control, cancellationToken);
            var readable = CompareMetadata(version, manifest, blobs, findings);
            if (download is null)
            {
                await CompareBlockListsAsync(version, readable.Where(a => StoredBlobs.Difference(a.Content, blobs[$"{version}/{a.Name}"]) is null).ToList(), findings, control, cancellationToken);
            }

            var downloaded = download is null ? 0 : await DownloadAsync(version, readable, findings, cancellationToken);
            var unlisted = Unlisted(version, manifest, blobs);
            foreach (var name in unlisted)
            {
                log.Warning($"'{ServerText.Sanitize(name)}' is under release '{version}' but not in its manifest: no reader of the release sees it. Find out who wrote it.");
            }

            var ordered = findings.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Problem, StringComparer.Ordinal).ToList();
            result = Result(ordered.Count == 0 ? VerifyStatus.Verified : VerifyStatus.Mismatch, ordered, manifest.Artifacts.Count, downloaded, unlisted);
        }

        return result;
    }

    /// <returns>The artifacts whose committed blob has the listed length: the ones worth reading.</returns>
    private static List<ManifestArtifact> CompareMetadata(string version, ReleaseManifest manifest, Dictionary<string, BlobItem> blobs, ConcurrentBag<VerifyFinding> findings)
    {
        var readable = new List<ManifestArtifact>();
        foreach (var artifact in manifest.Artifacts)
        {
            if (ArtifactNames.Problem(version, artifact.Name) is { } why)
            {
                findings.Add(Finding(artifact.Name, $"is listed in the manifest but no artifact can have that name ({why})"));
                continue;
            }

            var blob = blobs.GetValueOrDefault($"{version}/{artifact.Name}");
            if (StoredBlobs.Difference(artifact.Content, blob) is { } difference)
            {
                findings.Add(Finding(artifact.Name, blob is null ? $"{difference} (no committed blob '{version}/{artifact.Name}')" : difference));
            }

            if (blob?.Properties.ContentLength == artifact.Size)
            {
                readable.Add(artifact);
            }
        }

        return readable;
    }

    /// <summary>
    /// The check a listing cannot make: a commit's Content-MD5 is a header nobody checks against the bytes, but the committed
    /// block IDs of a push name the content's MD5 (<see cref="BlockPlan"/>). One request per artifact that may have been
    /// staged in blocks; an artifact up to the smallest block size is always put in one request and has no block list.
    /// </summary>
    private async Task CompareBlockListsAsync(string version, List<ManifestArtifact> artifacts, ConcurrentBag<VerifyFinding> findings, StrongBox<int> control, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(
            artifacts.Where(a => a.Size > BlockLimits.MinBlockSizeMiB * 1024L * 1024),
            new ParallelOptions { MaxDegreeOfParallelism = VerifyConstants.ParallelBlockLists, CancellationToken = cancellationToken },
            async (artifact, ct) =>
            {
                var client = container.GetBlockBlobClient($"{version}/{artifact.Name}");
                var list = await runner.RunAsync($"Reading the block list of '{version}/{artifact.Name}'", async c => (await client.GetBlockListAsync(BlockListTypes.Committed, cancellationToken: c)).Value, ct, control);
                var committed = list.CommittedBlocks.Select(b => (b.Name, b.SizeLong)).ToList();
                if (BlockPlan.CommittedListProblem(Convert.FromBase64String(artifact.Md5), artifact.Size, committed) is { } problem)
                {
                    findings.Add(Finding(artifact.Name, $"{problem}: its bytes were replaced behind an unchanged Content-MD5 (--download reads and hashes them)"));
                }
            });

    /// <returns>Bytes read and hashed.</returns>
    private async Task<long> DownloadAsync(string version, List<ManifestArtifact> artifacts, ConcurrentBag<VerifyFinding> findings, CancellationToken cancellationToken)
    {
        long downloaded = 0;
        await Parallel.ForEachAsync(
            artifacts,
            new ParallelOptions { MaxDegreeOfParallelism = VerifyConstants.ParallelDownloads, CancellationToken = cancellationToken },
            async (artifact, ct) =>
            {
                (byte[] Md5, byte[] Sha256) hashes;
                try
                {
                    hashes = await download!(artifact, container.GetBlobClient($"{version}/{artifact.Name}"), ct);
                }
                catch (ReleaseTargetsException failed)
                {
                    findings.Add(Finding(artifact.Name, $"could not be read: {failed.Message}"));
                    return;
                }
                catch (InvalidDataException)
                {
                    // The SDK's transfer validation: the bytes received are not what the blob's stored Content-MD5 says.
                    findings.Add(Finding(artifact.Name, "holds bytes that do not match its stored Content-MD5 (the download's own check refused them)"));
                    return;
                }

                Interlocked.Add(ref downloaded, artifact.Size);
                if (Convert.ToBase64String(hashes.Md5) is var md5 && md5 != artifact.Md5)
                {
                    findings.Add(Finding(artifact.Name, $"holds bytes with MD5 '{md5}', not the manifest's '{artifact.Md5}' (every byte read and hashed)"));
                }

                if (artifact.Sha256 is { } expected && Convert.ToHexStringLower(hashes.Sha256) is var sha256 && !string.Equals(sha256, expected, StringComparison.Ordinal))
                {
                    findings.Add(Finding(artifact.Name, $"holds bytes with SHA-256 '{sha256}', not the manifest's '{ServerText.Sanitize(expected)}'"));
                }
            });
        return downloaded;
    }

    /// <summary>A manifest is stored text anyone holding a write SAS could have written: its names and hashes are sanitized like any server text.</summary>
    private static VerifyFinding Finding(string name, string problem) =>
        new($"'{ServerText.Sanitize(name)}'", ServerText.Sanitize(problem, ServerText.MaxMessageLength)!);

    /// <summary>Blobs under the version that no reader of the manifest sees, less what a push writes there itself.</summary>
    private static List<string> Unlisted(string version, ReleaseManifest manifest, Dictionary<string, BlobItem> blobs)
    {
        var listed = manifest.Artifacts.Select(a => $"{version}/{a.Name}").ToHashSet(StringComparer.Ordinal);
        string[] own = [ReleaseManifest.BlobNameFor(version), Sha256Sums.BlobNameFor(version)];
        return blobs.Keys
            .Where(name => !listed.Contains(name) && !own.Contains(name, StringComparer.Ordinal) && !name.StartsWith(ShardRecord.PrefixFor(version), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
