using System.Net;
using System.Net.Sockets;

namespace ReleaseTargets.Benchmark;

/// <summary>
/// A loopback TCP relay in front of Azurite that notes when it last passed a byte from Azurite to the client: the end of
/// the last response, i.e. when the last upload was acknowledged. TLS passes through untouched (Azurite's certificate is
/// for 127.0.0.1, so clients trust it here too). It tells apart a contender's time to its last committed byte from its
/// process time — AzCopy notices a finished job only every ~2 s.
/// </summary>
internal sealed class LastByteRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _lastResponseTimestamp;

    public LastByteRelay(Uri upstream)
    {
        _upstreamPort = upstream.Port;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last byte passed to a client since <see cref="Reset"/>, or 0.</summary>
    public long LastResponseTimestamp => Interlocked.Read(ref _lastResponseTimestamp);

    public void Reset() => Interlocked.Exchange(ref _lastResponseTimestamp, 0);

    /// <summary><paramref name="uri"/> with its port replaced by the relay's.</summary>
    public Uri Through(Uri uri) => new UriBuilder(uri) { Port = Port }.Uri;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAny(_accepting);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                client.NoDelay = upstream.NoDelay = true;
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                var toServer = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                var toClient = CopyNotingTimeAsync(upstream.GetStream(), client.GetStream());
                await Task.WhenAny(toServer, toClient);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection closed by either side ends its relay.
            }
        }
    }

    private async Task CopyNotingTimeAsync(Stream from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            Interlocked.Exchange(ref _lastResponseTimestamp, TimeProvider.System.GetTimestamp());
        }
    }
}
