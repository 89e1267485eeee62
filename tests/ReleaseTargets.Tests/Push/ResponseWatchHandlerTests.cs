using System.Net;
using System.Net.Sockets;
using System.Text;
using ReleaseTargets.Resilience;

namespace ReleaseTargets.Tests.Push;

/// <summary>The silence rule over a real loopback connection: a slow reader is progress, not silence.</summary>
public sealed class ResponseWatchHandlerTests
{
    private const int Buffer = 64 * 1024;

    [Fact]
    public async Task Send_UploadSlowerThanTheResponseTimeout_IsNotCutWhileTheServerKeepsReading()
    {
        // 8 MiB read at ~2.5 MB/s: about 3 s of transfer against a 1 s response timeout. Small socket buffers on both
        // ends keep the unread tail small, so the client's writes complete only as the server reads.
        const int bodyBytes = 8 * 1024 * 1024;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Server.ReceiveBufferSize = Buffer;
        listener.Start();
        var server = ServeSlowlyAsync(listener, bodyBytes);
        using var client = new HttpClient(new ResponseWatchHandler(SmallBufferHandler(), TimeSpan.FromSeconds(1), TimeProvider.System));

        using var response = await client.PutAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/blob", new ByteArrayContent(new byte[bodyBytes]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(bodyBytes, await server);
    }

    [Fact]
    public async Task Send_ServerReadsNothingAndNeverAnswers_FailsAsNoResponse()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new HttpClient(new ResponseWatchHandler(SmallBufferHandler(), TimeSpan.FromSeconds(1), TimeProvider.System));

        var error = await Assert.ThrowsAsync<NoResponseException>(() => client.PutAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/blob", new ByteArrayContent(new byte[4 * 1024 * 1024])));

        Assert.Equal(TimeSpan.FromSeconds(1), error.Timeout);
    }

    private static SocketsHttpHandler SmallBufferHandler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { SendBufferSize = Buffer, NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static async Task<long> ServeSlowlyAsync(TcpListener listener, int bodyBytes)
    {
        using var connection = await listener.AcceptTcpClientAsync();
        var stream = connection.GetStream();
        var buffer = new byte[128 * 1024];
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one);
            header.Append((char)one[0]);
        }

        long received = 0;
        while (received < bodyBytes)
        {
            received += await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bodyBytes - received)));
            await Task.Delay(50);
        }

        await stream.WriteAsync("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        return received;
    }
}
