using System.Collections.Concurrent;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Thread-safe record of finished requests.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<ProxiedRequest> _entries = new();
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(ProxiedRequest request) => _entries.Enqueue(request);

    public void Clear() => _entries.Clear();

    /// <summary>Finished requests in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Snapshot() => _entries.ToArray().OrderBy(r => r.Sequence).ToArray();
}
