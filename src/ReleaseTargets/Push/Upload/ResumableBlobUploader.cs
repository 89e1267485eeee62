using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Win32.SafeHandles;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Artifacts;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Push.Upload;

/// <summary>
/// Uploads one artifact so that nothing is lost, nothing is sent twice and nothing is overwritten: stages only the blocks
/// the service does not already hold (deterministic IDs), each carrying the MD5 its bytes had when RefreshCredentials
/// hashed the file, so the service refuses any byte that changed since; creates the blob only if it does not exist
/// (If-None-Match: *); and accepts an existing blob only after checking it holds exactly these bytes.
/// </summary>
internal sealed class ResumableBlobUploader(BlobContainerClient container, RequestRunner runner, BlockBuffers buffers)
{
    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };

    private PushProgress Progress => runner.Progress!;

    /// <param name="artifact">The hashed artifact.</param>
    /// <param name="committed">What a listing of the release prefix found under this blob's name (null: nothing), so that the
    /// common case needs no request of its own.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task<ArtifactResult> UploadAsync(Artifact artifact, CommittedBlob? committed, CancellationToken cancellationToken = default)
    {
        var started = runner.Progress!.Elapsed;
        var upload = new ArtifactUpload(artifact, BlockPlan.For(artifact), container.GetBlockBlobClient(artifact.BlobName));
        // A fresh Uri of the same address, not the client's: the SDK parsed the client's into its parts (host, path, query,
        // each a string kept on it), ~530 bytes where an unparsed Uri is ~220, and the result lives until the push ends.
        var result = new ArtifactResult(artifact.RelativePath, artifact.BlobName, new Uri(upload.Client.Uri.OriginalString), artifact.Length, Convert.ToBase64String(artifact.Md5),
            ArtifactOutcome.Uploaded, TimeSpan.Zero, 0, upload.Plan.Blocks.Count, 0, 0);
        try
        {
            ArtifactOutcome outcome;
            var reused = 0;
            if (committed is not null)
            {
                await EnsureHoldsExactlyAsync(upload, cancellationToken);
                Progress.AddReused(artifact.Length);
                outcome = ArtifactOutcome.Skipped;
                reused = upload.Plan.Blocks.Count;
            }
            else
            {
                using var file = File.OpenHandle(artifact.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
                if (RandomAccess.GetLength(file) != artifact.Length)
                {
                    throw Changed(artifact, $"it is now {RandomAccess.GetLength(file)} bytes, was {artifact.Length}");
                }

                if (upload.Plan.Blocks.Count == 1)
                {
                    // One request instead of two: Put Blob is atomic, so the blob is still invisible until complete.
                    await PutWholeAsync(upload, file, cancellationToken);
                }
                else
                {
                    reused = await StageMissingAsync(upload, file, cancellationToken);
                    await CommitAsync(upload, file, cancellationToken);
                }

                outcome = upload.Existed ? ArtifactOutcome.Skipped : reused > 0 ? ArtifactOutcome.Resumed : ArtifactOutcome.Uploaded;
            }

            return result with
            {
                Outcome = outcome,
                BlocksReused = reused,
                BytesSent = upload.Sent,
                Duration = Progress.Elapsed - started,
                Retries = upload.Retries.Value,
            };
        }
        catch (Exception exception)
        {
            // Cancellation too: the push reports what this artifact really sent before it stopped.
            throw new ArtifactPushException(artifact, exception, upload.Retries.Value, upload.Sent);
        }
    }

    private async Task<int> StageMissingAsync(ArtifactUpload upload, SafeFileHandle file, CancellationToken cancellationToken)
    {
        var staged = await GetUncommittedAsync(upload, cancellationToken);
        var missing = upload.Plan.Blocks.Where(b => !(staged.TryGetValue(b.Id, out var size) && size == b.Length)).ToList();
        Progress.AddReused(upload.Plan.Blocks.Except(missing).Sum(b => (long)b.Length));

        // The first block that fails for good stops its siblings: a missing permission must not be tried once per block.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(missing.Select(async block =>
        {
            try
            {
                await StageBlockAsync(upload, file, block, failFast.Token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await failFast.CancelAsync();
                throw;
            }
        }));
        return upload.Plan.Blocks.Count - missing.Count;
    }

    private async Task StageBlockAsync(ArtifactUpload upload, SafeFileHandle file, PlannedBlock block, CancellationToken cancellationToken)
    {
        using var lease = await buffers.RentAsync(cancellationToken);
        var buffer = lease.Buffer;
        await ReadExactlyAsync(upload.Artifact, file, buffer, block, cancellationToken);
        await runner.RunAsync(upload.Step, async ct =>
        {
            upload.AddSent(block.Length, Progress);
            using var content = new MemoryStream(buffer, 0, block.Length, writable: false);
            try
            {
                // The MD5 from the hashing pass, not from these bytes: the service checks them against what was hashed.
                await upload.Client.StageBlockAsync(block.Id, content, new BlockBlobStageBlockOptions { TransferValidation = Md5Validation(block.Md5) }, ct);
            }
            catch (RequestFailedException exception) when (StorageFaultClassifier.Classify(exception, isBlockStaging: true) == FaultKind.ContentCorrupted)
            {
                ThrowIfChanged(upload.Artifact, buffer, block);
                throw;
            }
        }, cancellationToken, upload.Retries, isBlockStaging: true);
        Progress.AddDone(block.Length);
    }

    private async Task CommitAsync(ArtifactUpload upload, SafeFileHandle file, CancellationToken cancellationToken)
    {
        var options = new CommitBlockListOptions { HttpHeaders = Headers(upload.Artifact), Conditions = CreateOnly };
        try
        {
            await CreateAsync(upload, ct => upload.Client.CommitBlockListAsync(upload.Plan.BlockIds, options, ct), cancellationToken);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.InvalidBlockList)
        {
            // A staged block vanished (e.g. uncommitted blocks expired): re-list, re-stage what is missing, commit once more.
            await StageMissingAsync(upload, file, cancellationToken);
            await CreateAsync(upload, ct => upload.Client.CommitBlockListAsync(upload.Plan.BlockIds, options, ct), cancellationToken);
        }

        // The check the commit cannot pass by itself: the committed list, read back, is this plan (IDs bind the file's
        // MD5 and every block was accepted against its hashed MD5), so another writer's blob fails here.
        await EnsureHoldsExactlyAsync(upload, cancellationToken);
    }

    private async Task PutWholeAsync(ArtifactUpload upload, SafeFileHandle file, CancellationToken cancellationToken)
    {
        var block = upload.Plan.Blocks[0];
        using var lease = await buffers.RentAsync(cancellationToken);
        var buffer = lease.Buffer;
        await ReadExactlyAsync(upload.Artifact, file, buffer, block, cancellationToken);
        // One Put Blob carrying the file's MD5 from RefreshCredentials as Content-MD5: the service checks the bytes
        // against it and stores it as the blob's MD5, and Put Blob is atomic, so a 201 needs no follow-up request and
        // the push hashes nothing. A mismatch is either corruption in transit (retried) or a file that changed since
        // it was hashed, which no retry can fix.
        await CreateAsync(upload, async ct =>
        {
            upload.AddSent(block.Length, Progress);
            using var content = new MemoryStream(buffer, 0, block.Length, writable: false);
            using var md5 = ContentMd5Policy.Scope(upload.Artifact.Md5);
            try
            {
                await upload.Client.UploadAsync(content, SingleShot(upload.Artifact, block.Length), ct);
            }
            catch (RequestFailedException exception) when (StorageFaultClassifier.Classify(exception, isBlockStaging: true) == FaultKind.ContentCorrupted)
            {
                ThrowIfChanged(upload.Artifact, buffer, block);
                throw;
            }
        }, cancellationToken);
        Progress.AddDone(block.Length);
    }

    /// <summary>
    /// Creates the blob only if it does not exist. When it does — this push's own earlier attempt whose answer was lost,
    /// or a concurrent push of the same release — it is accepted only if it holds exactly these bytes; never overwritten.
    /// </summary>
    private async Task CreateAsync(ArtifactUpload upload, Func<CancellationToken, Task> create, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(upload.Step, create, cancellationToken, upload.Retries, isBlockStaging: true);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.AlreadyExists)
        {
            await EnsureHoldsExactlyAsync(upload, cancellationToken);
            upload.Existed = upload.Sent == 0;
        }
    }

    /// <summary>
    /// A stored Content-MD5 header is not proof: the blob must hold exactly the planned content. A multi-block blob's
    /// committed block list must be the plan; a one-block blob is read back and hashed (it is at most one block).
    /// </summary>
    private async Task EnsureHoldsExactlyAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        var (artifact, plan, client) = (upload.Artifact, upload.Plan, upload.Client);
        string? difference;
        if (plan.Blocks.Count > 1)
        {
            var list = await runner.RunAsync(upload.Step, async ct => (await client.GetBlockListAsync(BlockListTypes.Committed, cancellationToken: ct)).Value, cancellationToken, upload.Retries);
            var same = list.CommittedBlocks.Select(b => (b.Name, b.SizeLong)).SequenceEqual(plan.Blocks.Select(b => (b.Id, (long)b.Length)));
            difference = same ? null : $"its {list.CommittedBlocks.Count()} committed blocks ({Diagnostics.Units.Bytes(list.BlobContentLength)}) are not the {plan.Blocks.Count} blocks of this file";
        }
        else
        {
            var stored = await runner.RunAsync(upload.Step, async ct => (await client.DownloadContentAsync(ct)).Value.Content, cancellationToken, upload.Retries);
            var bytes = stored.ToMemory();
            difference = bytes.Length == artifact.Length && MD5.HashData(bytes.Span).AsSpan().SequenceEqual(artifact.Md5)
                ? null
                : $"it holds {bytes.Length} bytes with MD5 '{Convert.ToBase64String(MD5.HashData(bytes.Span))}'";
        }

        if (difference is not null)
        {
            throw new ReleaseTargetsException(
                $"'{artifact.BlobName}' already exists in container '{container.Name}' with other content than '{artifact.RelativePath}' " +
                $"({artifact.Length} bytes, MD5 '{Convert.ToBase64String(artifact.Md5)}'): {difference}. Blobs of a release are never overwritten; " +
                "another push wrote it. Publish under a new --release-version, or delete the unfinished release first.");
        }
    }

    private async Task<Dictionary<string, long>> GetUncommittedAsync(ArtifactUpload upload, CancellationToken cancellationToken)
    {
        try
        {
            var list = await runner.RunAsync(upload.Step, async ct => (await upload.Client.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: ct)).Value, cancellationToken, upload.Retries);
            return list.UncommittedBlocks.GroupBy(b => b.Name).ToDictionary(g => g.Key, g => g.Last().SizeLong);
        }
        catch (RequestFailureException exception) when (exception.Kind == FaultKind.NotFound)
        {
            return [];
        }
    }

    private static void ThrowIfChanged(Artifact artifact, byte[] buffer, PlannedBlock block)
    {
        if (!MD5.HashData(buffer.AsSpan(0, block.Length)).AsSpan().SequenceEqual(block.Md5))
        {
            throw Changed(artifact, $"block {block.Index} at offset {block.Offset} differs from what was hashed");
        }
    }

    private static ReleaseTargetsException Changed(Artifact artifact, string how) =>
        new($"'{artifact.RelativePath}' changed after RefreshCredentials hashed it ({how}); nothing was committed under the old MD5. Re-run the Build stage and the push.");

    private static async Task ReadExactlyAsync(Artifact artifact, SafeFileHandle file, byte[] buffer, PlannedBlock block, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < block.Length)
        {
            var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(read, block.Length - read), block.Offset + read, cancellationToken);
            if (n == 0)
            {
                throw Changed(artifact, $"shorter than planned at offset {block.Offset + read}");
            }

            read += n;
        }
    }

    // One Put Blob, never partitioned: the SDK uploads in one request only when the length is *below* InitialTransferSize.
    // No SDK checksum: ContentMd5Policy sends the file's own.
    private static BlobUploadOptions SingleShot(Artifact artifact, int length) => new()
    {
        HttpHeaders = Headers(artifact),
        Conditions = CreateOnly,
        TransferOptions = new StorageTransferOptions { InitialTransferSize = length + 1L, MaximumTransferSize = Math.Max(1, length) },
        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.None },
    };

    private static BlobHttpHeaders Headers(Artifact artifact) => new() { ContentHash = artifact.Md5, ContentType = ContentTypes.For(artifact.RelativePath) };

    // MD5, not CRC64/Auto: Azurite stores CRC64 "structured message" bodies encoded (DESIGN.md §2).
    private static UploadTransferValidationOptions Md5Validation(byte[] md5) => new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 };
}
