using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.FaultProxyTests;

/// <summary>Stand-in upstream, the proxy in front of it, and a client that talks to the proxy.</summary>
internal sealed class ProxyHarness : IAsyncDisposable
{
    public const string BlobPath = "/devstoreaccount1/releases/v1.2.3/tool-linux-x64.tar.gz";
    public const string Signature = "s3cr3tSIGNATUREvalue%2Bx%3D";
    public const string Sas = "sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sr=b&sig=" + Signature;

    private ProxyHarness(RecordingUpstream upstream, FaultProxy proxy)
    {
        Upstream = upstream;
        Proxy = proxy;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = proxy.BaseUri };
    }

    public RecordingUpstream Upstream { get; }

    public FaultProxy Proxy { get; }

    public HttpClient Client { get; }

    public static async Task<ProxyHarness> StartAsync()
    {
        var upstream = await RecordingUpstream.StartAsync();
        var proxy = await FaultProxy.StartAsync(upstream.BaseUri, new SocketsHttpHandler());
        return new ProxyHarness(upstream, proxy);
    }

    public static string BlockId(int index) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"block-{index:D6}"));

    /// <summary>Put Block for block <paramref name="index"/> with <paramref name="body"/>.</summary>
    public Task<HttpResponseMessage> PutBlockAsync(int index, byte[] body, CancellationToken cancellationToken = default) =>
        Client.PutAsync($"{BlobPath}?comp=block&blockid={Uri.EscapeDataString(BlockId(index))}&{Sas}", new ByteArrayContent(body), cancellationToken);

    public Task<HttpResponseMessage> PutBlockListAsync(byte[] body, CancellationToken cancellationToken = default) =>
        Client.PutAsync($"{BlobPath}?comp=blocklist&{Sas}", new ByteArrayContent(body), cancellationToken);

    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
