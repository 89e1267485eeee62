using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// The obvious alternative written by hand: <c>BlobClient.UploadAsync(path)</c> with tuned transfer options and MD5
/// validation, files in parallel, and a whole-file retry loop around each upload for what the SDK's own retries
/// do not cover (404 on Put Block, retries exhausted). Since 12.30 its block IDs are random, so every whole-file
/// retry sends the whole file again.
/// </summary>
internal sealed class PlainSdkContender(BenchmarkHost host, int maxWholeFileAttempts)
{
    public static string Describe(int blockSizeMiB, int concurrency) => $"plain SDK {blockSizeMiB} MiB × {concurrency}";

    /// <param name="withChecks">
    /// Diagnostic variant: the same two extra round trips per file ReleaseTargets makes (Get Blob Properties before,
    /// to skip an unchanged blob, and after, to verify length and MD5), to tell protocol cost from client overhead.
    /// </param>
    public async Task<PlainSdkOutcome> UploadAsync(
        IReadOnlyList<(string Path, string BlobName)> files, int blockSizeMiB, int concurrency, bool viaProxy, CancellationToken cancellationToken = default, bool withChecks = false)
    {
        var container = host.CreatePlainContainer(viaProxy);
        var blockSize = blockSizeMiB * 1024 * 1024;
        var options = new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = blockSize, MaximumTransferSize = blockSize, MaximumConcurrency = concurrency },
            TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        };
        var extraAttempts = 0;
        var failedFiles = 0;
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Min(concurrency, files.Count), CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var blob = container.GetBlobClient(file.BlobName);
                        if (withChecks)
                        {
                            await ExistsAsync(blob, ct);
                        }

                        await blob.UploadAsync(file.Path, options, ct);
                        if (withChecks)
                        {
                            await ExistsAsync(blob, ct);
                        }

                        return;
                    }
                    catch (Exception exception) when (exception is RequestFailedException or AggregateException or IOException && !ct.IsCancellationRequested)
                    {
                        if (attempt >= maxWholeFileAttempts)
                        {
                            Interlocked.Increment(ref failedFiles);
                            return;
                        }

                        Interlocked.Increment(ref extraAttempts);
                    }
                }
            });
        return new PlainSdkOutcome(time.GetElapsedTime(started), extraAttempts, failedFiles);
    }

    private static async Task ExistsAsync(Azure.Storage.Blobs.BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
        }
    }
}

/// <param name="WholeFileRetries">Extra whole-file attempts the retry loop made.</param>
/// <param name="FailedFiles">Files still not uploaded after every attempt.</param>
internal sealed record PlainSdkOutcome(TimeSpan Duration, int WholeFileRetries, int FailedFiles);
