using System.Collections.Concurrent;

namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Thread-safe record of finished requests.</summary>
internal sealed class RequestLog
{
    private readonly ConcurrentQueue<ProxiedRequest> _entries = new();
    private long _sequence;
    private long _clearedThrough;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Records a finished request, unless it arrived before the last <see cref="Clear"/>: a request still
    /// running at a reset (e.g. the body of a killed client draining) belongs to the log that was cleared.</summary>
    public void Add(ProxiedRequest request)
    {
        if (request.Sequence > Interlocked.Read(ref _clearedThrough))
        {
            _entries.Enqueue(request);
        }
    }

    public void Clear()
    {
        Interlocked.Exchange(ref _clearedThrough, Interlocked.Read(ref _sequence));
        _entries.Clear();
    }

    /// <summary>Finished requests in arrival order.</summary>
    public IReadOnlyList<ProxiedRequest> Snapshot() => _entries.ToArray().OrderBy(r => r.Sequence).ToArray();
}
