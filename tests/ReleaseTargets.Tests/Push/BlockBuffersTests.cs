using ReleaseTargets.Push.Upload;

namespace ReleaseTargets.Tests.Push;

public sealed class BlockBuffersTests
{
    [Fact]
    public async Task RentAsync_ManyBlocksOnManyThreads_NeverHoldsMoreBuffersThanTheConcurrency()
    {
        using var buffers = new BlockBuffers(concurrency: 3, bufferSize: 1024);
        var inFlight = 0;
        var maxInFlight = 0;
        var seen = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var lease = await buffers.RentAsync(ct);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            lock (seen)
            {
                seen.Add(lease.Buffer);
            }

            // Hold it across a real yield so other threads return and rent meanwhile.
            lease.Buffer[0] = (byte)i;
            await Task.Delay(i % 3, ct);
            Assert.Equal((byte)i, lease.Buffer[0]);
            Interlocked.Decrement(ref inFlight);
        });

        Assert.Equal(3, maxInFlight);
        Assert.Equal(3, buffers.Allocated);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, b => Assert.Equal(1024, b.Length));
    }

    [Fact]
    public async Task RentAsync_Cancelled_GivesNoSlotAway()
    {
        using var buffers = new BlockBuffers(concurrency: 1, bufferSize: 16);
        var held = await buffers.RentAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => buffers.RentAsync(cancel.Token));

        held.Dispose();
        using var next = await buffers.RentAsync(CancellationToken.None);
        Assert.Same(held.Buffer, next.Buffer);
        Assert.Equal(1, buffers.Allocated);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
