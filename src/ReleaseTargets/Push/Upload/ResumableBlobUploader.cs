using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Win32.SafeHandles;
using Polly;

namespace ReleaseTargets.Push;

/// <summary>
/// Uploads one artifact so that nothing is lost and nothing is sent twice: skips a blob already committed with the
/// same MD5, stages only the blocks the service does not already hold (deterministic IDs), validates every block's
/// MD5 on the wire, commits with the file's Content-MD5, then verifies what was committed.
/// </summary>
public sealed class ResumableBlobUploader(
    BlobContainerClient container,
    ResiliencePipeline pipeline,
    IPushCredential credential,
    PushProgress progress,
    BlockBuffers buffers,
    int blockSize,
    TimeProvider timeProvider)
{
    /// <param name="artifact">The hashed artifact.</param>
    /// <param name="committed">What a listing of the release prefix found under this blob's name (null: nothing), so that the
    /// skip check needs no request of its own.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task<ArtifactResult> UploadAsync(Artifact artifact, CommittedBlob? committed, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        var retries = new StrongBox<int>();
        var client = container.GetBlockBlobClient(artifact.BlobName);
        var sentBefore = 0L;
        var plan = BlockPlan.For(artifact, blockSize);
        var result = new ArtifactResult(artifact.RelativePath, artifact.BlobName, client.Uri, artifact.Length, Convert.ToBase64String(artifact.Md5),
            ArtifactOutcome.Uploaded, TimeSpan.Zero, 0, plan.Blocks.Count, 0, 0);
        try
        {
            if (IsSame(committed?.Length, committed?.Md5, artifact))
            {
                progress.AddDone(artifact.Length);
                return result with { Outcome = ArtifactOutcome.Skipped, BlocksReused = plan.Blocks.Count, Duration = timeProvider.GetElapsedTime(started), Retries = retries.Value };
            }

            using var file = File.OpenHandle(artifact.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            int reused;
            if (plan.Blocks.Count == 1)
            {
                // One request instead of two: Put Blob is atomic, so the blob is still invisible until complete.
                reused = 0;
                sentBefore = await PutWholeAsync(client, file, plan.Blocks[0], artifact, retries, cancellationToken);
            }
            else
            {
                (reused, sentBefore) = await StageMissingAsync(client, file, plan, retries, cancellationToken);
                await CommitAsync(client, file, plan, retries, cancellationToken);
                await VerifyAsync(client, artifact, retries, cancellationToken);
            }

            return result with
            {
                Outcome = reused > 0 ? ArtifactOutcome.Resumed : ArtifactOutcome.Uploaded,
                BlocksReused = reused,
                BytesSent = sentBefore,
                Duration = timeProvider.GetElapsedTime(started),
                Retries = retries.Value,
            };
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ArtifactPushException(artifact, exception, retries.Value);
        }
    }

    private async Task<(int Reused, long Sent)> StageMissingAsync(BlockBlobClient client, SafeFileHandle file, BlockPlan plan, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        var staged = await GetUncommittedAsync(client, retries, cancellationToken);
        var missing = plan.Blocks.Where(b => !(staged.TryGetValue(b.Id, out var size) && size == b.Length)).ToList();
        var reused = plan.Blocks.Count - missing.Count;
        progress.AddDone(plan.Blocks.Where(b => !missing.Contains(b)).Sum(b => (long)b.Length));

        long sent = 0;
        // The first block that fails for good stops its siblings: a missing permission must not be tried once per block.
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(missing.Select(async block =>
        {
            try
            {
                Interlocked.Add(ref sent, await StageBlockAsync(client, file, block, retries, failFast.Token));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await failFast.CancelAsync();
                throw;
            }
        }));
        return (reused, sent);
    }

    private async Task<long> StageBlockAsync(BlockBlobClient client, SafeFileHandle file, PlannedBlock block, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        using var lease = await buffers.RentAsync(cancellationToken);
        var buffer = lease.Buffer;
        long sent = 0;
        await ReadExactlyAsync(file, buffer, block, cancellationToken);
        var md5 = MD5.HashData(buffer.AsSpan(0, block.Length));
        await RunAsync(retries, isBlockStaging: true, async ct =>
        {
            sent += block.Length;
            progress.AddSent(block.Length);
            using var content = new MemoryStream(buffer, 0, block.Length, writable: false);
            await client.StageBlockAsync(block.Id, content, new BlockBlobStageBlockOptions { TransferValidation = Md5Validation(md5) }, ct);
        }, cancellationToken);
        progress.AddDone(block.Length);
        return sent;
    }

    private async Task CommitAsync(BlockBlobClient client, SafeFileHandle file, BlockPlan plan, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        var options = new CommitBlockListOptions { HttpHeaders = Headers(plan.Artifact) };
        try
        {
            // Commit is idempotent for the same list: after a lost acknowledgement the retry names blocks that are now
            // committed, which the service accepts; VerifyAsync then checks what was committed.
            await RunAsync(retries, isBlockStaging: false, ct => client.CommitBlockListAsync(plan.BlockIds, options, ct), cancellationToken);
        }
        catch (RequestFailedException exception) when (StorageFaultClassifier.Classify(exception) == FaultKind.InvalidBlockList)
        {
            // A staged block vanished (e.g. uncommitted blocks expired): re-list, re-stage what is missing, commit once more.
            await StageMissingAsync(client, file, plan, retries, cancellationToken);
            await RunAsync(retries, isBlockStaging: false, ct => client.CommitBlockListAsync(plan.BlockIds, options, ct), cancellationToken);
        }
    }

    private async Task<long> PutWholeAsync(BlockBlobClient client, SafeFileHandle file, PlannedBlock block, Artifact artifact, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        using var lease = await buffers.RentAsync(cancellationToken);
        var buffer = lease.Buffer;
        long sent = 0;
        await ReadExactlyAsync(file, buffer, block, cancellationToken);
        // One Put Blob carrying the file's MD5 from RefreshCredentials as Content-MD5: the service checks the bytes
        // against it and stores it as the blob's MD5, and Put Blob is atomic, so a 201 needs no follow-up HEAD and
        // the push hashes nothing. A mismatch is either corruption in transit (retried) or a file that changed
        // since it was hashed, which no retry can fix.
        await RunAsync(retries, isBlockStaging: true, async ct =>
        {
            sent += block.Length;
            progress.AddSent(block.Length);
            using var content = new MemoryStream(buffer, 0, block.Length, writable: false);
            using var md5 = ContentMd5Policy.Scope(artifact.Md5);
            try
            {
                await client.UploadAsync(content, SingleShot(artifact, block.Length), ct);
            }
            catch (RequestFailedException exception) when (StorageFaultClassifier.Classify(exception) == FaultKind.ContentCorrupted
                && !MD5.HashData(buffer.AsSpan(0, block.Length)).AsSpan().SequenceEqual(artifact.Md5))
            {
                throw new ReleaseTargetsException($"'{artifact.RelativePath}' changed after RefreshCredentials hashed it; re-run the Build stage and the push.");
            }
        }, cancellationToken);

        progress.AddDone(block.Length);
        return sent;
    }

    private async Task VerifyAsync(BlockBlobClient client, Artifact artifact, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        var committed = await GetPropertiesAsync(client, retries, cancellationToken);
        if (!IsSame(committed?.ContentLength, committed?.ContentHash, artifact))
        {
            throw new ReleaseTargetsException(
                $"Integrity check failed for '{artifact.BlobName}': storage holds {committed?.ContentLength ?? 0} bytes with MD5 " +
                $"'{(committed?.ContentHash is { } h ? Convert.ToBase64String(h) : "none")}', expected {artifact.Length} bytes with MD5 '{Convert.ToBase64String(artifact.Md5)}'. Re-run the push.");
        }
    }

    private async Task<BlobProperties?> GetPropertiesAsync(BlockBlobClient client, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(retries, isBlockStaging: false, async ct => (await client.GetPropertiesAsync(cancellationToken: ct)).Value, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404 && exception.ErrorCode != "ContainerNotFound")
        {
            return null;
        }
    }

    private async Task<Dictionary<string, long>> GetUncommittedAsync(BlockBlobClient client, StrongBox<int> retries, CancellationToken cancellationToken)
    {
        try
        {
            var list = await RunAsync(retries, isBlockStaging: false, async ct => (await client.GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: ct)).Value, cancellationToken);
            return list.UncommittedBlocks.GroupBy(b => b.Name).ToDictionary(g => g.Key, g => g.Last().SizeLong);
        }
        catch (RequestFailedException exception) when (exception.Status == 404 && exception.ErrorCode != "ContainerNotFound")
        {
            return [];
        }
    }

    private Task RunAsync(StrongBox<int> retries, bool isBlockStaging, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        RunAsync(retries, isBlockStaging, async ct =>
        {
            await action(ct);
            return true;
        }, cancellationToken);

    private async Task<T> RunAsync<T>(StrongBox<int> retries, bool isBlockStaging, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(PushResiliencePipeline.IsBlockStaging, isBlockStaging);
        context.Properties.Set(PushResiliencePipeline.RetryCounter, retries);
        try
        {
            return await pipeline.ExecuteAsync(
                async (ctx, state) =>
                {
                    await credential.BeforeRequestAsync(progress, ctx.CancellationToken);
                    ctx.Properties.Set(PushResiliencePipeline.CredentialGeneration, credential.Generation);
                    return await state(ctx.CancellationToken);
                },
                context,
                action);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task ReadExactlyAsync(SafeFileHandle file, byte[] buffer, PlannedBlock block, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < block.Length)
        {
            var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(read, block.Length - read), block.Offset + read, cancellationToken);
            if (n == 0)
            {
                throw new ReleaseTargetsException($"The file changed while it was being pushed (shorter than planned at offset {block.Offset + read}); re-run the Build stage and the push.");
            }

            read += n;
        }
    }

    // One Put Blob, never partitioned: the SDK uploads in one request only when the length is *below* InitialTransferSize.
    // No SDK checksum: ContentMd5Policy sends the file's own.
    private static BlobUploadOptions SingleShot(Artifact artifact, int length) => new()
    {
        HttpHeaders = Headers(artifact),
        TransferOptions = new StorageTransferOptions { InitialTransferSize = length + 1L, MaximumTransferSize = Math.Max(1, length) },
        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.None },
    };

    private static bool IsSame(long? length, byte[]? md5, Artifact artifact) =>
        length == artifact.Length && md5 is not null && md5.AsSpan().SequenceEqual(artifact.Md5);

    private static BlobHttpHeaders Headers(Artifact artifact) => new() { ContentHash = artifact.Md5, ContentType = ContentTypes.For(artifact.RelativePath) };

    // MD5, not CRC64/Auto: Azurite stores CRC64 "structured message" bodies encoded (DESIGN.md §2).
    private static UploadTransferValidationOptions Md5Validation(byte[] md5) => new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5, PrecalculatedChecksum = md5 };
}
