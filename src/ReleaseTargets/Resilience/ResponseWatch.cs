namespace ReleaseTargets.Resilience;

/// <summary>
/// The one rule for "connection accepted, never answered", shared by storage and registry transports through
/// <see cref="ResponseWatchHandler"/>: an attempt is cancelled when, for
/// <see cref="PushRetryOptions.ResponseTimeout"/>, no request-body write completed and no response headers arrived.
/// A slow but live upload keeps writing (each write completes as the peer reads), so only silence is cut off; the
/// per-try timeout still bounds the whole attempt.
/// </summary>
internal sealed class ResponseWatch : IDisposable
{
    private readonly CancellationTokenSource _silence;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _timeout;

    /// <param name="timeout">Longest silence allowed.</param>
    /// <param name="timeProvider">Clock of the silence timer.</param>
    /// <param name="cancellationToken">The attempt's own token; linked into <see cref="Token"/>.</param>
    public ResponseWatch(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        _silence = new CancellationTokenSource(timeout, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_silence.Token, cancellationToken);
    }

    /// <summary>Pass to the transport: cancelled by the caller or by silence.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether silence (not the caller) cancelled the attempt.</summary>
    public bool Expired => _silence.IsCancellationRequested;

    /// <summary>The request made progress (a body write completed): the silence count starts again.</summary>
    public void Progress()
    {
        if (!_silence.IsCancellationRequested)
        {
            try
            {
                _silence.CancelAfter(_timeout);
            }
            catch (ObjectDisposedException)
            {
                // The answer arrived while the last write completed.
            }
        }
    }

    /// <summary>Response headers arrived: nothing to watch any more.</summary>
    public void Answered() => _silence.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>The exception for a silent attempt, or null when it was not silence that stopped it.</summary>
    public NoResponseException? Failure(string host, Exception cause) => Expired ? new NoResponseException(host, _timeout, cause) : null;

    public void Dispose()
    {
        _linked.Dispose();
        _silence.Dispose();
    }

    /// <summary>A write-through stream that reports each completed write to the watch.</summary>
    internal sealed class ProgressStream(Stream inner, ResponseWatch watch) : Stream
    {
        private const int Slice = 64 * 1024;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            for (var done = 0; done < count; done += Slice)
            {
                inner.Write(buffer, offset + done, Math.Min(Slice, count - done));
                watch.Progress();
            }
        }

        /// <summary>
        /// Writes in slices: a content may hand over a whole chunk in one write (<c>ByteArrayContent</c> does), which on a
        /// slow link completes only after many seconds, so progress is reported per slice the connection accepted.
        /// </summary>
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (var done = 0; done < buffer.Length; done += Slice)
            {
                await inner.WriteAsync(buffer.Slice(done, Math.Min(Slice, buffer.Length - done)), cancellationToken);
                watch.Progress();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await inner.FlushAsync(cancellationToken);
            watch.Progress();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
