namespace ReleaseTargets.Fetch;

/// <summary>What a fetch sent over the wire, counted from every concurrent range (thread-safe).</summary>
internal sealed class FetchCounters
{
    private long _bytes;
    private int _requests;

    /// <summary>Body bytes received, retried attempts included.</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytes);

    /// <summary>Ranged GETs sent, retried attempts included.</summary>
    public int RangesRequested => Volatile.Read(ref _requests);

    public void AddRequest() => Interlocked.Increment(ref _requests);

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);
}
