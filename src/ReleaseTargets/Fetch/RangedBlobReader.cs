using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Fetch;

/// <summary>
/// The one download loop: ranged GETs of <see cref="FetchConstants.RangeSize"/> through the <see cref="RequestRunner"/>
/// (every retry and SAS renewal is its), in parallel up to a window, each pinned with If-Match to the ETag the first
/// response carried, hashed MD5 + SHA-256 in order as ranges arrive. With an <see cref="IRangeStore"/> each range is
/// written as it arrives and ranges it already holds are read back instead of fetched; without one nothing is written
/// (Verify --download).
/// </summary>
internal sealed class RangedBlobReader(RequestRunner runner, SemaphoreSlim requests, int window, FetchCounters counters)
{
    /// <summary>Range buffers, reused across ranges and files: a 512 MiB fetch allocates a window of them, not 64.</summary>
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(FetchConstants.RangeSize, 64);

    /// <summary>
    /// No per-range transfer validation: the whole file's MD5 and SHA-256 are checked against the manifest, TLS protects each
    /// range in transit, and a per-range MD5 would cap ranges at 4 MiB (twice the requests) and cost Azurite's CPU, the
    /// ceiling here. It also keeps the SDK from asking for CRC64 structured bodies, which Azurite does not speak.
    /// </summary>
    private static readonly DownloadTransferValidationOptions NoValidation = new() { ChecksumAlgorithm = StorageChecksumAlgorithm.None, AutoValidateChecksum = false };

    /// <summary>
    /// Streams every byte of <paramref name="blob"/> (expected <paramref name="length"/> bytes) without writing anything and
    /// returns its MD5 and SHA-256: the fetch's own loop, for Verify --download. Fails with a
    /// <see cref="ReleaseTargetsException"/> when the blob's length differs or it changes mid-read.
    /// </summary>
    public static async Task<ContentHashes> ReadAndHashAsync(BlobClient blob, long length, RequestRunner runner, CancellationToken cancellationToken, int concurrency = 4)
    {
        using var requests = new SemaphoreSlim(concurrency, concurrency);
        return await new RangedBlobReader(runner, requests, concurrency, new FetchCounters()).ReadAsync(blob, blob.Name, length, store: null, cancellationToken);
    }

    public static int RangeCount(long length) => (int)Math.Max(1, (length + FetchConstants.RangeSize - 1) / FetchConstants.RangeSize);

    public async Task<ContentHashes> ReadAsync(BlobClient blob, string name, long length, IRangeStore? store, CancellationToken cancellationToken)
    {
        var count = RangeCount(length);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<Task<Chunk>>();
        var next = 0;
        try
        {
            var etag = store?.ETag;
            if (etag is null)
            {
                // The first range alone: its ETag pins every other range, so a blob replaced mid-fetch fails instead of mixing.
                var first = await FetchAsync(blob, name, 0, length, etag, store, failed.Token);
                etag = first.ETag;
                pending.Enqueue(Task.FromResult(first));
                next = 1;
            }

            for (var i = 0; i < count; i++)
            {
                while (next < count && pending.Count < window)
                {
                    pending.Enqueue(store?.IsWritten(next) == true ? ReadBackAsync(store, next, length, failed.Token) : FetchAsync(blob, name, next, length, etag, store, failed.Token));
                    next++;
                }

                var chunk = await pending.Dequeue();
                try
                {
                    await HashAsync(md5, sha256, chunk);
                }
                finally
                {
                    Buffers.Return(chunk.Buffer);
                }
            }
        }
        catch
        {
            await failed.CancelAsync();
            while (pending.TryDequeue(out var task))
            {
                try
                {
                    Buffers.Return((await task).Buffer);
                }
                catch (Exception)
                {
                    // The first failure is the one reported; the others were cancelled by it.
                }
            }

            throw;
        }

        return new ContentHashes(md5.GetHashAndReset(), sha256.GetHashAndReset());
    }

    private static async Task HashAsync(IncrementalHash md5, IncrementalHash sha256, Chunk chunk)
    {
        if (chunk.Length < 1024 * 1024)
        {
            md5.AppendData(chunk.Buffer, 0, chunk.Length);
            sha256.AppendData(chunk.Buffer, 0, chunk.Length);
            return;
        }

        // The two hashes are independent and each sequential: side by side on two cores.
        var sha = Task.Run(() => sha256.AppendData(chunk.Buffer, 0, chunk.Length));
        md5.AppendData(chunk.Buffer, 0, chunk.Length);
        await sha;
    }

    private static (long Offset, int Size) Bounds(int range, long length)
    {
        var offset = (long)range * FetchConstants.RangeSize;
        return (offset, (int)Math.Min(FetchConstants.RangeSize, length - offset));
    }

    private static async Task<Chunk> ReadBackAsync(IRangeStore store, int range, long length, CancellationToken cancellationToken)
    {
        var (offset, size) = Bounds(range, length);
        var buffer = Buffers.Rent(Math.Max(1, size));
        try
        {
            await store.ReadAsync(offset, buffer.AsMemory(0, size), cancellationToken);
            return new Chunk(buffer, size, store.ETag ?? default);
        }
        catch
        {
            Buffers.Return(buffer);
            throw;
        }
    }

    private async Task<Chunk> FetchAsync(BlobClient blob, string name, int range, long length, ETag? ifMatch, IRangeStore? store, CancellationToken cancellationToken)
    {
        var (offset, size) = Bounds(range, length);
        await requests.WaitAsync(cancellationToken);
        var buffer = Buffers.Rent(Math.Max(1, size));
        try
        {
            var step = length <= FetchConstants.RangeSize ? $"Fetching '{name}'" : $"Fetching '{name}' range {range + 1} of {RangeCount(length)}";
            var etag = await runner.RunAsync(step, ct => DownloadAsync(blob, name, offset, size, length, ifMatch, buffer, ct), cancellationToken);
            if (store is not null)
            {
                if (ifMatch is null)
                {
                    store.Begin(etag);
                }

                await store.WriteAsync(range, offset, buffer.AsMemory(0, size), cancellationToken);
            }

            runner.Progress?.AddDone(size);
            return new Chunk(buffer, size, etag);
        }
        catch (RequestFailureException failure) when (failure.Fault is RequestFailedException { Status: 412 })
        {
            Buffers.Return(buffer);
            throw new BlobChangedException(name, failure);
        }
        catch
        {
            Buffers.Return(buffer);
            throw;
        }
        finally
        {
            requests.Release();
        }
    }

    private async Task<ETag> DownloadAsync(BlobClient blob, string name, long offset, int size, long length, ETag? ifMatch, byte[] buffer, CancellationToken cancellationToken)
    {
        counters.AddRequest();
        var options = new BlobDownloadOptions
        {
            // A zero-length blob has no byte 0 to ask for (416): it is fetched without a range.
            Range = length == 0 ? default : new HttpRange(offset, size),
            Conditions = ifMatch is { } match ? new BlobRequestConditions { IfMatch = match } : null,
            TransferValidation = NoValidation,
        };
        var response = await blob.DownloadStreamingAsync(options, cancellationToken);
        await using var content = response.Value.Content;
        var total = TotalLength(response.Value.Details);
        if (total != length)
        {
            throw new ReleaseTargetsException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is {total:N0} bytes on the server but the manifest says {length:N0}: the blob was replaced after the release was published; nothing of it was kept. Re-publish the release or fetch the one the manifest describes."));
        }

        var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, size), size, throwOnEndOfStream: false, cancellationToken);
        counters.AddBytes(read);
        runner.Progress?.AddSent(read);
        return read < size
            ? throw new IOException($"The response for '{name}' ended after {read} of {size} bytes.")
            : response.Value.Details.ETag;
    }

    /// <summary>The blob's whole length: after the '/' of Content-Range for a ranged GET, else the body's length.</summary>
    private static long TotalLength(BlobDownloadDetails details)
    {
        var range = details.ContentRange;
        var slash = range?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : details.ContentLength;
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, ETag ETag);
}
