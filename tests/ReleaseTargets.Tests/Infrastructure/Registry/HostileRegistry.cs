using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>
/// A registry that tries to steer a push elsewhere, in-process (Kestrel): the registry on 127.0.0.1 (basic auth, or a
/// bearer token realm on its own host) answers the upload <c>POST</c> as <see cref="UploadAnswer"/> says — by default a
/// <c>Location</c> on the upload host, 127.0.0.2 on another port, which logs every request's headers and accepts the
/// session (<c>PATCH</c>, <c>PUT ?digest=</c>). Manifests are accepted on the registry. Everything is recorded.
/// </summary>
public sealed class HostileRegistry : IAsyncDisposable
{
    public const string Username = "alice";

    private static readonly IPAddress UploadAddress = IPAddress.Parse("127.0.0.2");

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, MemoryStream> _sessions = new();
    private readonly ConcurrentDictionary<string, byte> _blobs = new();

    private HostileRegistry(WebApplication app, string password, bool bearer)
    {
        _app = app;
        Password = password;
        Bearer = bearer;
    }

    public enum Answer
    {
        /// <summary>202 with <c>Location</c> on the upload host.</summary>
        LocationOnUploadHost,

        /// <summary>307 to the upload host (what a transport that follows redirects would chase).</summary>
        RedirectToUploadHost,

        /// <summary>400 whose OCI error body echoes <c>user/password</c> back.</summary>
        ErrorEchoingCredentials,
    }

    public string Password { get; }

    public bool Bearer { get; }

    public Answer UploadAnswer { get; set; }

    /// <summary>Bearer mode: name the token realm on the upload host over plain http (it would hand out tokens too).</summary>
    public bool RealmOnUploadHost { get; set; }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary><c>127.0.0.2:port</c>, the other host the registry sends uploads to.</summary>
    public string UploadHost { get; private set; } = null!;

    /// <summary>The bearer token the realm hands out.</summary>
    public string Token { get; } = "hostile-bearer-" + Guid.NewGuid().ToString("N");

    /// <summary>Every request to either host, in arrival order.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public IEnumerable<SeenRequest> OnUploadHost => Requests.Where(r => r.Host == UploadHost);

    /// <summary>What <c>GET</c>/<c>HEAD /v2/&lt;repo&gt;/manifests/&lt;reference&gt;</c> answers, by reference (any repository); absent: 404.</summary>
    public ConcurrentDictionary<string, ServedManifest> Manifests { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes <c>HEAD</c> of the blob answer 200 (without a length), as if it had been pushed.</summary>
    public void AddBlob(string digest) => _blobs[digest] = 0;

    /// <param name="password">The password the registry accepts for <see cref="Username"/>.</param>
    /// <param name="bearer">Token auth (realm <c>/token</c> on the registry's host, asked with the basic pair) instead of basic.</param>
    public static async Task<HostileRegistry> StartAsync(string password, bool bearer)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(HostileRegistry) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(UploadAddress, 0);
        });
        builder.Services.AddRouting();
        var app = builder.Build();
        var registry = new HostileRegistry(app, password, bearer);
        app.Run(registry.HandleAsync);
        await app.StartAsync();
        var ports = app.Urls.Select(u => new Uri(u)).ToList();
        registry.BaseUri = new Uri($"http://127.0.0.1:{ports.Single(u => u.Host == "127.0.0.1").Port}");
        registry.UploadHost = $"127.0.0.2:{ports.Single(u => u.Host == "127.0.0.2").Port}";
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private string BasicParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var host = $"{context.Connection.LocalIpAddress}:{context.Connection.LocalPort}";
        Requests.Enqueue(new SeenRequest(host, request.Method, request.Path + request.QueryString, request.Headers.Authorization.ToString()));
        if (host == UploadHost && request.Path == "/token")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"token\":\"{Token}\",\"expires_in\":300}}");
            return;
        }

        if (host == UploadHost)
        {
            await HandleUploadAsync(context);
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        if (path == "/token" && Bearer)
        {
            context.Response.StatusCode = request.Headers.Authorization == "Basic " + BasicParameter ? 200 : 401;
            if (context.Response.StatusCode == 200)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($"{{\"token\":\"{Token}\",\"expires_in\":300}}");
            }

            return;
        }

        if (request.Headers.Authorization != (Bearer ? "Bearer " + Token : "Basic " + BasicParameter))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = Bearer
                ? $"Bearer realm=\"{(RealmOnUploadHost ? $"http://{UploadHost}/" : BaseUri.ToString())}token\",service=\"hostile\""
                : "Basic realm=\"hostile\"";
            return;
        }

        switch (request.Method, path)
        {
            case ("GET", "/v2/"):
                return;
            case ("HEAD", _) when path.Contains("/blobs/", StringComparison.Ordinal):
                context.Response.StatusCode = _blobs.ContainsKey(path[(path.LastIndexOf('/') + 1)..]) ? 200 : 404;
                return;
            case ("GET" or "HEAD", _) when path.Contains("/manifests/", StringComparison.Ordinal):
                await ServeManifestAsync(context, path[(path.LastIndexOf('/') + 1)..]);
                return;
            case ("POST", _) when path.EndsWith("/blobs/uploads/", StringComparison.Ordinal):
                await AnswerUploadAsync(context);
                return;
            case ("PUT", _) when path.Contains("/manifests/", StringComparison.Ordinal):
                using (var body = new MemoryStream())
                {
                    await request.Body.CopyToAsync(body);
                    context.Response.StatusCode = 201;
                    context.Response.Headers["Docker-Content-Digest"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body.ToArray()));
                }

                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task ServeManifestAsync(HttpContext context, string reference)
    {
        if (!Manifests.TryGetValue(reference, out var served))
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = served.MediaType;
        if (served.DigestHeader is { } digest)
        {
            context.Response.Headers["Docker-Content-Digest"] = digest;
        }

        if (served.DeclareLength)
        {
            context.Response.ContentLength = served.Content.Length;
        }

        if (context.Request.Method == "GET")
        {
            try
            {
                await context.Response.Body.WriteAsync(served.Content);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException)
            {
                // The client stopped reading (an oversized manifest): what it is tested for.
            }
        }
    }

    private async Task AnswerUploadAsync(HttpContext context)
    {
        var session = Guid.NewGuid().ToString("N");
        _sessions[session] = new MemoryStream();
        var location = $"http://{UploadHost}/upload/{session}";
        switch (UploadAnswer)
        {
            case Answer.LocationOnUploadHost:
                context.Response.StatusCode = 202;
                context.Response.Headers.Location = location;
                context.Response.Headers["Range"] = "0-0";
                return;
            case Answer.RedirectToUploadHost:
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = location;
                return;
            default:
                context.Response.StatusCode = 400;
                context.Response.ContentType = "application/json";
                // Not the "user:password" pair as registered: the password alone must be masked too.
                var echoed = $"{Username}/{Password}";
                await context.Response.WriteAsync($"{{\"errors\":[{{\"code\":\"{echoed}\",\"message\":\"bad credentials {echoed}\"}}]}}");
                return;
        }
    }

    private async Task HandleUploadAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/upload/", StringComparison.Ordinal) || !_sessions.TryGetValue(path["/upload/".Length..], out var session))
        {
            context.Response.StatusCode = 404;
            return;
        }

        await context.Request.Body.CopyToAsync(session);
        if (context.Request.Method == "PUT" && context.Request.Query["digest"].ToString() is { Length: > 7 } digest)
        {
            _blobs[digest] = 0;
            context.Response.StatusCode = 201;
            return;
        }

        context.Response.StatusCode = 202;
        context.Response.Headers.Location = $"http://{UploadHost}{path}";
        context.Response.Headers["Range"] = $"0-{Math.Max(0, session.Length - 1)}";
    }

    /// <summary>A manifest answer: the bytes, their <c>Content-Type</c>, a <c>Docker-Content-Digest</c> (true or not), and whether <c>Content-Length</c> is sent.</summary>
    public sealed record ServedManifest(byte[] Content, string MediaType, string? DigestHeader, bool DeclareLength = true);

    /// <summary>One request as the server saw it: which host (<c>ip:port</c>) it reached and its Authorization header ("" when none).</summary>
    public sealed record SeenRequest(string Host, string Method, string PathAndQuery, string Authorization);
}
