using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// One streaming read of a file feeds every hash taken of it: the whole-file MD5, the MD5 of each block and the
/// whole-file SHA-256 (issue 22). No byte is read twice. Past one buffer the hashes run as independent consumers of the
/// same chunks, each on its own task, while the next chunks are read: the three hashes share the cores and the read
/// overlaps them, so adding SHA-256 costs no wall time on the multi-block path.
/// </summary>
internal static class ArtifactHasher
{
    private const int BufferSize = 1 << 20;

    /// <summary>Chunks read ahead of the slowest hash; bounds the memory a file's hashing holds to this many buffers.</summary>
    private const int BuffersInFlight = 4;

    /// <summary>Files up to this size, in one block, are read whole and hashed with others (<see cref="HashSmallAsync"/>).</summary>
    public const int SmallFileLimit = BufferSize;

    /// <summary>
    /// Hashes up to <see cref="Md5Lanes.Lanes"/> small files together (issue 23): each is read whole into a pooled buffer,
    /// SHA-256 is taken of each, and the MD5s of all of them at once (<see cref="Md5Lanes"/>). A file that grew past
    /// <see cref="SmallFileLimit"/> or its block since it was found is hashed on its own.
    /// </summary>
    public static async Task<Artifact[]> HashSmallAsync(IReadOnlyList<Artifact> artifacts, int blockSize, CancellationToken cancellationToken)
    {
        var hashed = new Artifact[artifacts.Count];
        var read = new List<(int Index, byte[] Buffer, int Length)>(artifacts.Count);
        try
        {
            for (var i = 0; i < artifacts.Count; i++)
            {
                var artifact = artifacts[i];
                using var file = File.OpenHandle(artifact.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
                var length = RandomAccess.GetLength(file);
                if (length > SmallFileLimit || length > blockSize)
                {
                    hashed[i] = await HashAsync(artifact, blockSize, cancellationToken);
                    continue;
                }

                var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
                read.Add((i, buffer, (int)length));
                for (var offset = 0; offset < length;)
                {
                    var count = await RandomAccess.ReadAsync(file, buffer.AsMemory(offset, (int)length - offset), offset, cancellationToken);
                    offset += count > 0 ? count : throw Shrank(artifact);
                }
            }

            var md5s = Md5Lanes.Hash([.. read.Select(r => (ReadOnlyMemory<byte>)r.Buffer.AsMemory(0, r.Length))]);
            for (var j = 0; j < read.Count; j++)
            {
                var (index, buffer, length) = read[j];
                hashed[index] = artifacts[index] with
                {
                    Length = length, Md5 = md5s[j], BlockSize = blockSize, BlockMd5s = [md5s[j]], Sha256 = SHA256.HashData(buffer.AsSpan(0, length)),
                };
            }

            return hashed;
        }
        finally
        {
            read.ForEach(r => ArrayPool<byte>.Shared.Return(r.Buffer));
        }
    }

    public static async Task<Artifact> HashAsync(Artifact artifact, int blockSize, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(artifact.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(file);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // A file of one block has one block MD5, its own: it is hashed once (issue 12: 200 × 1 MiB hashed twice before).
        using var block = length > blockSize ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        var blocks = new List<byte[]>((int)Math.Max(1, (length + blockSize - 1) / blockSize));
        var consumers = new List<Action<Chunk>>
        {
            c => md5.AppendData(c.Buffer, 0, c.Count),
            c => sha256.AppendData(c.Buffer, 0, c.Count),
        };
        if (block is not null)
        {
            consumers.Add(c =>
            {
                block.AppendData(c.Buffer, 0, c.Count);
                if (c.EndsBlock)
                {
                    blocks.Add(block.GetHashAndReset());
                }
            });
        }

        var read = new FileReader(file, artifact, length, blockSize);
        if (length <= BufferSize)
        {
            // One buffer: tasks would cost more than they save, and two files are hashed side by side anyway. Pooled: a
            // buffer per file made every 1 MiB file a large-object allocation, and 200 of them 31 gen-2 collections (issue 23).
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (await read.NextAsync(buffer, cancellationToken) is { } chunk)
                {
                    consumers.ForEach(consume => consume(chunk));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        else
        {
            await PipelineAsync(read, consumers, cancellationToken);
        }

        var whole = md5.GetHashAndReset();
        if (block is null)
        {
            blocks.Add(whole);
        }

        return artifact with { Length = length, Md5 = whole, BlockSize = blockSize, BlockMd5s = blocks, Sha256 = sha256.GetHashAndReset() };
    }

    private static async Task PipelineAsync(FileReader read, IReadOnlyList<Action<Chunk>> consumers, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var free = Channel.CreateBounded<byte[]>(BuffersInFlight);
        for (var i = 0; i < BuffersInFlight; i++)
        {
            free.Writer.TryWrite(new byte[BufferSize]);
        }

        var queues = consumers.Select(_ => Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true })).ToList();
        var workers = consumers.Select((consume, i) => Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in queues[i].Reader.ReadAllAsync())
                {
                    consume(chunk);
                    if (chunk.Done())
                    {
                        free.Writer.TryWrite(chunk.Buffer);
                    }
                }
            }
            catch
            {
                // The reader waits for buffers this hash would free: stop it.
                await stop.CancelAsync();
                throw;
            }
        })).ToList();

        ExceptionDispatchInfo? readFailure = null;
        try
        {
            while (await read.NextAsync(await free.Reader.ReadAsync(stop.Token), stop.Token, consumers.Count) is { } chunk)
            {
                queues.ForEach(q => q.Writer.TryWrite(chunk));
            }
        }
        catch (Exception exception) when (exception is IOException or ReleaseTargetsException or OperationCanceledException or UnauthorizedAccessException)
        {
            readFailure = ExceptionDispatchInfo.Capture(exception);
            await stop.CancelAsync();
        }

        // Every hash has seen every chunk (or the read failed) before the hashes are read or disposed.
        queues.ForEach(q => q.Writer.TryComplete());
        var hashed = Task.WhenAll(workers);
        await hashed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (hashed.Exception?.InnerException is { } hashFailure)
        {
            ExceptionDispatchInfo.Throw(hashFailure);
        }

        readFailure?.Throw();
    }

    private static ReleaseTargetsException Shrank(Artifact artifact) =>
        new($"'{artifact.RelativePath}' shrank while it was being hashed; re-run the Build stage and the push.");

    /// <summary>A read of up to one buffer that never crosses a block boundary; hashes that share it count down to free it.</summary>
    private sealed class Chunk(byte[] buffer, int count, bool endsBlock, int readers)
    {
        private int _readers = readers;

        public byte[] Buffer => buffer;

        public int Count => count;

        public bool EndsBlock => endsBlock;

        /// <summary>One hash is done with the chunk; true for the last one, which frees the buffer.</summary>
        public bool Done() => Interlocked.Decrement(ref _readers) == 0;
    }

    /// <summary>The one sequential read of a file, in chunks that end at block boundaries.</summary>
    private sealed class FileReader(Microsoft.Win32.SafeHandles.SafeFileHandle file, Artifact artifact, long length, int blockSize)
    {
        private long _offset;
        private int _inBlock;

        public async Task<Chunk?> NextAsync(byte[] buffer, CancellationToken cancellationToken, int readers = 1)
        {
            if (_offset >= length)
            {
                return null;
            }

            var want = (int)Math.Min(Math.Min(buffer.Length, blockSize - _inBlock), length - _offset);
            var count = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, want), _offset, cancellationToken);
            if (count == 0)
            {
                throw Shrank(artifact);
            }

            _offset += count;
            _inBlock += count;
            var endsBlock = _inBlock == blockSize || _offset == length;
            if (endsBlock)
            {
                _inBlock = 0;
            }

            return new Chunk(buffer, count, endsBlock, readers);
        }
    }
}
