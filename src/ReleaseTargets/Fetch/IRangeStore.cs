using Azure;

namespace ReleaseTargets.Fetch;

/// <summary>Where the ranges of one blob go as they arrive, and which of them an earlier run already wrote.</summary>
internal interface IRangeStore
{
    /// <summary>The ETag the written ranges came from; null when nothing was written yet.</summary>
    ETag? ETag { get; }

    /// <summary>Called once, before the first write, with the ETag of the first response.</summary>
    void Begin(ETag etag);

    bool IsWritten(int range);

    /// <summary>Writes range <paramref name="range"/> at <paramref name="offset"/> and records it as written.</summary>
    ValueTask WriteAsync(int range, long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Reads back a range an earlier run wrote, for the in-order hash.</summary>
    ValueTask ReadAsync(long offset, Memory<byte> bytes, CancellationToken cancellationToken);
}
