using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseTargets.Credentials;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Credentials;

public sealed class GitHubActionsOidcCredentialTests
{
    private const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string ClientId = "0b1f7f4e-5a9a-4d8e-9c3b-3f0d2c1e6a55";

    [Fact]
    public async Task GetAssertionAsync_CalledTwice_FetchesAFreshIdTokenEachTime()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, new Redactor());

        var first = await credential.GetAssertionAsync();
        var second = await credential.GetAssertionAsync();

        Assert.Equal(2, gitHub.Requests);
        Assert.NotEqual(first, second);
        Assert.Equal(gitHub.Issued, [first, second]);
        Assert.All([first, second], token => Assert.Equal(3, token.Split('.').Length));
    }

    [Fact]
    public async Task GetAssertionAsync_SendsRequestTokenAndEncodedAudience_KeepingTheRunnersQuery()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, new Redactor());

        await credential.GetAssertionAsync();

        Assert.Equal(["?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange"], gitHub.RawQueries);
        Assert.Equal(0, gitHub.Rejected);
    }

    [Fact]
    public async Task GetAssertionAsync_WrongRequestToken_ThrowsWithStatusCodeAndNoSecret()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        var wrongToken = "ghs-wrong-" + Guid.NewGuid().ToString("N");
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, wrongToken, new Redactor());

        var exception = await Assert.ThrowsAsync<ReleaseTargetsException>(() => credential.GetAssertionAsync());

        Assert.Equal(
            $"The GitHub Actions ID token endpoint at '{gitHub.RequestUrl.GetLeftPart(UriPartial.Path)}' answered HTTP 401 (Unauthorized); grant 'id-token: write' in the workflow's permissions and pass this job's ACTIONS_ID_TOKEN_REQUEST_TOKEN.",
            exception.Message);
        Assert.Equal(1, gitHub.Rejected);
        Assert.DoesNotContain(wrongToken, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(gitHub.RequestToken, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAssertionAsync_ResponseWithoutValue_ThrowsClearError()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync(body: """{"count":0}""");
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, new Redactor());

        var exception = await Assert.ThrowsAsync<ReleaseTargetsException>(() => credential.GetAssertionAsync());

        Assert.StartsWith($"The GitHub Actions ID token endpoint at '{gitHub.RequestUrl.GetLeftPart(UriPartial.Path)}' answered HTTP 200 without a token", exception.Message);
    }

    [Fact]
    public async Task GetAssertionAsync_EndpointUnreachable_ThrowsClearError()
    {
        // A port that was just free: nothing listens there.
        Uri closed;
        await using (var gitHub = await GitHubTokenEndpointStandIn.StartAsync())
        {
            closed = gitHub.RequestUrl;
        }

        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, closed, "ghs-request-" + Guid.NewGuid().ToString("N"), new Redactor());

        var exception = await Assert.ThrowsAsync<ReleaseTargetsException>(() => credential.GetAssertionAsync());

        Assert.StartsWith($"Could not reach the GitHub Actions ID token endpoint at '{closed.GetLeftPart(UriPartial.Path)}' (HttpRequestException)", exception.Message);
    }

    [Fact]
    public async Task GetAssertionAsync_FetchedToken_IsRegisteredForRedaction()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync(opaqueTokens: true);
        var redactor = new Redactor();
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, redactor);

        var token = await credential.GetAssertionAsync();

        // Opaque (not JWT-shaped) so only the registration, not the JWT pattern, can mask it.
        Assert.Equal("before *** after", redactor.Redact($"before {token} after"));
    }

    [Theory]
    [InlineData("https://runner.example/idtoken", "https://runner.example/idtoken?audience=api%3A%2F%2FAzureADTokenExchange")]
    [InlineData("https://runner.example/idtoken?api-version=2.0", "https://runner.example/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange")]
    [InlineData("https://runner.example/idtoken?api-version=2.0&", "https://runner.example/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange")]
    public void WithAudience_AppendsEncodedAudience_WhetherOrNotAQueryExists(string requestUrl, string expected)
    {
        var url = GitHubActionsOidcCredential.WithAudience(new Uri(requestUrl), GitHubActionsOidcCredential.Audience);

        Assert.Equal(expected, url.AbsoluteUri);
    }

    [Fact]
    public async Task GetTokenAsync_TwoTokenRequests_ExchangeTwoFreshIdTokensWithEntra()
    {
        await using var gitHub = await GitHubTokenEndpointStandIn.StartAsync();
        await using var entra = await EntraTokenEndpointStandIn.StartAsync();
        var credential = new GitHubActionsOidcCredential(TenantId, ClientId, gitHub.RequestUrl, gitHub.RequestToken, new Redactor(), entra.CredentialOptions());

        // Two scopes, so the second request cannot be answered from the token cache.
        var storage = await credential.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), CancellationToken.None);
        var management = await credential.GetTokenAsync(new TokenRequestContext(["https://management.azure.com/.default"]), CancellationToken.None);

        Assert.Equal(2, gitHub.Requests);
        Assert.Equal(gitHub.Issued, entra.Assertions);
        Assert.NotEqual(entra.Assertions[0], entra.Assertions[1]);
        Assert.Equal(entra.AccessTokens, [storage.Token, management.Token]);
        Assert.Equal([$"/{TenantId}/oauth2/v2.0/token"], entra.Paths.Distinct());
    }
}

/// <summary>
/// A stand-in for the GitHub Actions ID token endpoint on 127.0.0.1: checks the request token and the
/// audience, counts requests and returns a new JWT-shaped token every time, as the real one does.
/// </summary>
internal sealed class GitHubTokenEndpointStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentQueue<string> _rawQueries = new();
    private int _requests;
    private int _rejected;

    private GitHubTokenEndpointStandIn(WebApplication app, string requestToken)
    {
        _app = app;
        RequestToken = requestToken;
    }

    public string RequestToken { get; }

    /// <summary>Shaped like the runner's: it already carries a query.</summary>
    public Uri RequestUrl { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public int Rejected => Volatile.Read(ref _rejected);

    public IReadOnlyList<string> Issued => _issued.ToArray();

    public IReadOnlyList<string> RawQueries => _rawQueries.ToArray();

    public static async Task<GitHubTokenEndpointStandIn> StartAsync(string? body = null, bool opaqueTokens = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new GitHubTokenEndpointStandIn(app, "ghs-request-" + Guid.NewGuid().ToString("N"));

        app.MapGet("/idtoken", (HttpContext context) =>
        {
            Interlocked.Increment(ref standIn._requests);
            standIn._rawQueries.Enqueue(context.Request.QueryString.Value ?? string.Empty);
            var authorization = context.Request.Headers.Authorization.ToString();
            if (!string.Equals(authorization, "Bearer " + standIn.RequestToken, StringComparison.OrdinalIgnoreCase)
                || context.Request.Query["audience"] != GitHubActionsOidcCredential.Audience
                || context.Request.Query["api-version"] != "2.0")
            {
                Interlocked.Increment(ref standIn._rejected);

                // Echoes what it got, so a client that copied the body into its error would leak it.
                return Results.Json(new { message = "Bad credentials: " + authorization }, statusCode: StatusCodes.Status401Unauthorized);
            }

            if (body is not null)
            {
                return Results.Text(body, "application/json");
            }

            var token = opaqueTokens ? "opaque-" + Guid.NewGuid().ToString("N") : NewJwt();
            standIn._issued.Enqueue(token);
            return Results.Json(new { count = 1, value = token });
        });

        await app.StartAsync();
        standIn.RequestUrl = new Uri(ServerAddress(app) + "/idtoken?api-version=2.0");
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal static string ServerAddress(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    private static string NewJwt()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = "https://token.actions.githubusercontent.com",
            sub = "repo:octo-org/octo-repo:ref:refs/heads/main",
            aud = GitHubActionsOidcCredential.Audience,
            jti = Guid.NewGuid().ToString(),
            iat = now,
            nbf = now,
            exp = now + 300,
        }));
        return $"{header}.{payload}.{Base64Url(RandomNumberGenerator.GetBytes(64))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// A stand-in for the Entra ID token endpoint over HTTPS (MSAL refuses plain-HTTP authorities): records each
/// client assertion it is given and answers with an access token, or with a configured AADSTS error.
/// </summary>
internal sealed class EntraTokenEndpointStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentQueue<string> _assertions = new();
    private readonly ConcurrentQueue<string> _accessTokens = new();
    private readonly ConcurrentQueue<string> _paths = new();

    private EntraTokenEndpointStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    public Uri AuthorityHost { get; private set; } = null!;

    public IReadOnlyList<string> Assertions => _assertions.ToArray();

    public IReadOnlyList<string> AccessTokens => _accessTokens.ToArray();

    public IReadOnlyList<string> Paths => _paths.ToArray();

    /// <param name="errorCode">When set, every request is refused with this AADSTS code.</param>
    public static async Task<EntraTokenEndpointStandIn> StartAsync(int? errorCode = null)
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new EntraTokenEndpointStandIn(app, certificate);

        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            standIn._paths.Enqueue(context.Request.Path.Value ?? string.Empty);
            standIn._assertions.Enqueue(form["client_assertion"].ToString());
            if (errorCode is { } code)
            {
                return Results.Json(
                    new
                    {
                        error = "invalid_client",
                        error_description = $"AADSTS{code}: Client assertion is not within its valid time range. Trace ID: 0 Correlation ID: 0",
                        error_codes = new[] { code },
                    },
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var accessToken = "entra-" + Guid.NewGuid().ToString("N");
            standIn._accessTokens.Enqueue(accessToken);
            return Results.Json(new { token_type = "Bearer", expires_in = 3600, ext_expires_in = 3600, access_token = accessToken });
        });

        await app.StartAsync();
        standIn.AuthorityHost = new Uri(GitHubTokenEndpointStandIn.ServerAddress(app) + "/");
        return standIn;
    }

    /// <summary>Points a credential at this stand-in, trusting only its own certificate.</summary>
    public ClientAssertionCredentialOptions CredentialOptions()
    {
        var thumbprint = _certificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        };
        var options = new ClientAssertionCredentialOptions
        {
            AuthorityHost = AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(handler),
        };
        options.Retry.MaxRetries = 0;
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        // Kestrel on Linux needs the private key in a persisted form, hence the PFX round trip.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}

public sealed class OidcAnswerClassifierTests
{
    [Fact]
    public void Describe_ReasonPhraseWithEscapes_IsPrintedSanitized()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden) { ReasonPhrase = "Forbidden\u001b[2J\u009b" };

        var text = ReleaseTargets.Credentials.OidcAnswerClassifier.Describe(response);

        Assert.StartsWith("HTTP 403 (Forbidden", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u009b', text);
    }
}
