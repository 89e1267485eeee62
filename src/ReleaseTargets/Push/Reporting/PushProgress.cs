using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Push.Reporting;

/// <summary>
/// Counts what the push has done (thread-safe) and prints a line every interval:
/// bytes done / total, percent, rate, ETA, retries. The rate also feeds mid-push SAS renewal.
/// </summary>
internal sealed class PushProgress : IAsyncDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly IReleaseLog _log;
    private readonly long _started;
    private readonly ITimer? _timer;
    private long _done;
    private long _reused;
    private long _sent;
    private int _retries;

    public PushProgress(long totalBytes, TimeProvider timeProvider, IReleaseLog log, TimeSpan interval)
    {
        TotalBytes = totalBytes;
        _timeProvider = timeProvider;
        _log = log;
        _started = timeProvider.GetTimestamp();
        if (interval > TimeSpan.Zero)
        {
            _timer = timeProvider.CreateTimer(_ => Report(), null, interval, interval);
        }
    }

    public long TotalBytes { get; }

    /// <summary>Bytes accounted for: sent, or found already staged/committed.</summary>
    public long DoneBytes => Interlocked.Read(ref _done);

    /// <summary>Bytes found already staged or committed (resumed blocks, skipped blobs): done, but not sent by this run.</summary>
    public long ReusedBytes => Interlocked.Read(ref _reused);

    /// <summary>Bytes this run completed by sending them (<see cref="DoneBytes"/> less <see cref="ReusedBytes"/>), each counted
    /// once however many attempts it took: what the live rate for renewal decisions is measured on.</summary>
    public long TransferredBytes => Math.Max(0, DoneBytes - ReusedBytes);

    /// <summary>Bytes actually sent over the wire, retries included.</summary>
    public long SentBytes => Interlocked.Read(ref _sent);

    public int Retries => Volatile.Read(ref _retries);

    public TimeSpan Elapsed => _timeProvider.GetElapsedTime(_started);

    public long RemainingBytes => Math.Max(0, TotalBytes - DoneBytes);

    /// <summary>Counts bytes this run sent and the service accepted.</summary>
    public void AddDone(long bytes) => Interlocked.Add(ref _done, bytes);

    /// <summary>Counts bytes found already there (staged blocks, committed blobs) as done without counting them as transferred.</summary>
    public void AddReused(long bytes)
    {
        // Reused first: a concurrent reader may briefly see them neither done nor transferred, never transferred.
        Interlocked.Add(ref _reused, bytes);
        Interlocked.Add(ref _done, bytes);
    }

    public void AddSent(long bytes) => Interlocked.Add(ref _sent, bytes);

    public void AddRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Bytes per second sent so far, or null before anything meaningful was measured.</summary>
    public double? Rate => Elapsed.TotalSeconds >= 1 && SentBytes > 0 ? SentBytes / Elapsed.TotalSeconds : null;

    public string Describe()
    {
        var done = DoneBytes;
        var percent = TotalBytes == 0 ? 100 : done * 100.0 / TotalBytes;
        var rate = Rate;
        var eta = rate is > 0 ? Units.Duration(TimeSpan.FromSeconds(RemainingBytes / rate.Value)) : "?";
        return $"Push {percent:0}% {Units.Bytes(done)}/{Units.Bytes(TotalBytes)} at {(rate is { } r ? Units.Bytes((long)r) + "/s" : "?")}, ETA {eta}, {Retries} retries";
    }

    public ValueTask DisposeAsync() => _timer?.DisposeAsync() ?? ValueTask.CompletedTask;

    private void Report() => _log.Information(Describe());
}
