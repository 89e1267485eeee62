namespace ReleaseTargets.Push.Upload;

/// <summary>
/// The push's block concurrency and its memory, owned together: at most <c>concurrency</c> blocks are in flight, each in
/// a buffer of its own that is allocated on first use and then reused. The push therefore holds at most
/// Concurrency × <c>bufferSize</c> (the block size, or the largest artifact when all are smaller) whatever the
/// artifact sizes. The shared <c>ArrayPool</c> is not bounded that way: it caches per thread and per core, so a longer
/// push touching more threads kept more 8 MiB arrays.
/// </summary>
internal sealed class BlockBuffers(int concurrency, int bufferSize) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private readonly Stack<byte[]> _free = new();

    public int BufferSize { get; } = bufferSize;

    /// <summary>Buffers allocated so far; never more than the concurrency.</summary>
    public int Allocated { get; private set; }

    /// <summary>Waits for a free slot and hands out its buffer; dispose the lease to give both back.</summary>
    public async Task<Lease> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_free)
        {
            if (_free.TryPop(out var buffer))
            {
                return new Lease(this, buffer);
            }

            // Every other buffer is held by another slot, so this one keeps the count within the concurrency.
            Allocated++;
        }

        return new Lease(this, GC.AllocateUninitializedArray<byte>(BufferSize));
    }

    public void Dispose() => _slots.Dispose();

    private void Return(byte[] buffer)
    {
        lock (_free)
        {
            _free.Push(buffer);
        }

        _slots.Release();
    }

    public readonly struct Lease(BlockBuffers owner, byte[] buffer) : IDisposable
    {
        public byte[] Buffer { get; } = buffer;

        public void Dispose() => owner.Return(Buffer);
    }
}
