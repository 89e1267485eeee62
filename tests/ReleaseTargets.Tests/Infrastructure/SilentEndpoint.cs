using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>
/// A real loopback TCP server that accepts connections and never sends an HTTP answer: plain (a hung server behind an
/// open port), or with TLS under a self-signed certificate nobody trusts (the handshake runs for real and the client
/// rejects it). Counts the connections it accepted.
/// </summary>
internal sealed class SilentEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;
    private int _connections;

    private SilentEndpoint(X509Certificate2? certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri BaseUri => new($"{(_certificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Accepts and never answers.</summary>
    public static SilentEndpoint HoldOpen() => new(null);

    /// <summary>Completes TLS handshakes with a fresh self-signed certificate for 127.0.0.1 (valid, but from no trusted root).</summary>
    public static SilentEndpoint UntrustedTls()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return new(X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        _certificate?.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            lock (_clients)
            {
                _clients.Add(client);
            }

            if (_certificate is not null)
            {
                _ = HandshakeAsync(client);
            }
        }
    }

    private async Task HandshakeAsync(TcpClient client)
    {
        try
        {
            var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stopping.Token);
        }
        catch (Exception)
        {
            // The client rejects the certificate and closes: that is the point.
        }
    }
}
