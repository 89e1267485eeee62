using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>
/// A registry token endpoint in-process on 127.0.0.1 (Kestrel): <c>GET /token?service=&amp;scope=</c> with basic credentials
/// issues RS256 JWTs whose <c>x5c</c> header carries a self-signed certificate, the one the registry trusts through
/// <c>auth.token.rootcertbundle</c>. Also the ACR endpoints (<c>POST /oauth2/exchange</c>, <c>POST /oauth2/token</c>).
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "releasetargets-test-registry";
    public const string Issuer = "releasetargets-test-issuer";
    public const string EntraToken = "entra-access-token-for-tests-0123456789";

    private readonly WebApplication _app;
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private int _issued;
    private int _failNext;

    private TokenServer(WebApplication app, RSA key, X509Certificate2 certificate, Uri baseUri)
    {
        _app = app;
        _key = key;
        _certificate = certificate;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public string Realm => new Uri(BaseUri, "/token").ToString();

    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>Actions granted on every repository asked for. Default: pull and push.</summary>
    public string[] GrantedActions { get; set; } = ["pull", "push"];

    /// <summary>Lifetime of issued tokens, as <c>expires_in</c> and the JWT's <c>exp</c>.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many of the next token requests are answered 503 (a token service having a bad moment).</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    /// <summary>Tokens issued so far.</summary>
    public int Issued => Volatile.Read(ref _issued);

    /// <summary>Every scope asked for, in order.</summary>
    public ConcurrentQueue<string> Scopes { get; } = new();

    /// <summary>Refresh tokens handed out by <c>/oauth2/exchange</c>.</summary>
    public ConcurrentQueue<string> RefreshTokens { get; } = new();

    public static async Task<TokenServer> StartAsync()
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=releasetargets-test-token-signer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(TokenServer) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRouting();
        var app = builder.Build();
        var holder = new TokenServer[1];
        app.Run(context => holder[0].HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        holder[0] = new TokenServer(app, key, certificate, new Uri($"http://127.0.0.1:{new Uri(address).Port}"));
        return holder[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("GET", "/token"):
                if (Interlocked.Decrement(ref _failNext) >= 0)
                {
                    context.Response.StatusCode = 503;
                    return;
                }

                if (!HasBasicCredentials(context.Request))
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                await WriteTokenAsync(context, context.Request.Query["scope"].Where(s => s is not null).Select(s => s!).ToList(), "token");
                return;
            case ("POST", "/oauth2/exchange"):
                var exchange = await context.Request.ReadFormAsync();
                if (exchange["grant_type"] != "access_token" || exchange["access_token"] != EntraToken)
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                var refresh = "acr-refresh-" + Guid.NewGuid().ToString("N");
                RefreshTokens.Enqueue(refresh);
                await context.Response.WriteAsJsonAsync(new { refresh_token = refresh });
                return;
            case ("POST", "/oauth2/token"):
                var form = await context.Request.ReadFormAsync();
                if (form["grant_type"] != "refresh_token" || !RefreshTokens.Contains(form["refresh_token"].ToString()))
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                await WriteTokenAsync(context, form["scope"].Where(s => s is not null).Select(s => s!).ToList(), "access_token");
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private static bool HasBasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Basic ", StringComparison.Ordinal)
            && Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])) == $"{DockerRegistry.Username}:{DockerRegistry.Password}";
    }

    private async Task WriteTokenAsync(HttpContext context, IReadOnlyList<string> scopes, string field)
    {
        foreach (var scope in scopes)
        {
            Scopes.Enqueue(scope);
        }

        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var parts = scope.Split(':');
            if (parts.Length == 3 && parts[0] == "repository")
            {
                var wanted = parts[2].Split(',');
                access.Add(new JsonObject { ["type"] = "repository", ["name"] = parts[1], ["actions"] = new JsonArray(wanted.Intersect(GrantedActions).Select(a => (JsonNode)a!).ToArray()) });
            }
        }

        var now = DateTimeOffset.UtcNow;
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = DockerRegistry.Username,
            ["aud"] = Service,
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-10).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(_certificate.RawData)) };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Interlocked.Increment(ref _issued);
        var body = new JsonObject { [field] = signingInput + "." + Base64Url(signature), ["expires_in"] = (int)Lifetime.TotalSeconds, ["issued_at"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
