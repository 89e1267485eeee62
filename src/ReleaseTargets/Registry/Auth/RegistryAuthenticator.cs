using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry.Resilience;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Registry.Auth;

/// <summary>
/// Authenticates to one registry for a set of repository scopes, and renews in place: basic auth, the bearer token-realm
/// flow (<c>GET realm?service=…&amp;scope=repository:&lt;name&gt;:pull,push</c>, with the basic credentials when set), or
/// the ACR exchange (Entra token → <c>POST /oauth2/exchange</c> → refresh token → <c>POST /oauth2/token</c>). Seen from the
/// pipeline it is an <see cref="IPushCredential"/>: a 401 mid-push renews the token once per generation however many
/// requests saw it, and only that request is retried (upload sessions survive a new token).
/// </summary>
internal sealed class RegistryAuthenticator : IPushCredential, IDisposable
{
    private const string AcrScope = "https://containerregistry.azure.net/.default";

    private readonly HttpClient _http;
    private readonly Uri _registry;
    private readonly RegistryHostPolicy _hosts;
    private readonly IReadOnlyList<string> _scopes;
    private readonly RegistryCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly IReleaseLog _log;
    private readonly Redactor _redactor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RegistryChallenge? _challenge;
    private AuthenticationHeaderValue? _header;
    private DateTimeOffset? _expiresOn;
    private TimeSpan _lifetime;
    private long _generation;
    private int _renewals;
    private int _tokensIssued;

    /// <param name="http">Client for the token endpoint (redirects off).</param>
    /// <param name="registry">The registry's base URL.</param>
    /// <param name="scopes">Token scopes, e.g. <c>repository:team/app:pull,push</c>.</param>
    /// <param name="redactor">The run's redactor: the credentials and every token obtained are registered there.</param>
    public RegistryAuthenticator(HttpClient http, Uri registry, IReadOnlyList<string> scopes, RegistryCredentials credentials, TimeProvider timeProvider, IReleaseLog log, Redactor redactor)
    {
        _redactor = redactor;
        credentials.RegisterWith(redactor);
        _http = http;
        _registry = registry;
        _hosts = new RegistryHostPolicy(registry);
        _scopes = scopes;
        _credentials = credentials;
        _timeProvider = timeProvider;
        _log = log;
    }

    public long Generation => Interlocked.Read(ref _generation);

    public int Renewals => Volatile.Read(ref _renewals);

    /// <summary>Tokens obtained from a token endpoint so far (bearer and ACR).</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>When the current bearer token expires, when the endpoint said.</summary>
    public DateTimeOffset? ExpiresOn => _expiresOn;

    /// <summary>"bearer token for repository:a:pull,push valid until 12:05:00 UTC" — for the log, never the token.</summary>
    public string Describe() => _header is null
        ? $"anonymous access to {_registry.Authority}"
        : _header.Scheme == "Basic"
            ? $"login as {_credentials} on {_registry.Authority}"
            : $"bearer token for {string.Join(' ', _scopes)} on {_registry.Authority}{(_expiresOn is { } e ? $", valid until {e:HH:mm:ss} UTC" : string.Empty)}";

    /// <summary>
    /// Right before the push (RefreshCredentials): <c>GET /v2/</c> to learn the challenge, then a fresh token. Throws a
    /// <see cref="RegistryRequestException"/> for an unexpected answer (retried by the caller's runner).
    /// </summary>
    public async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry, "/v2/"));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (RegistryResponseClassifier.IsSuccess(response))
        {
            _header = null;
            return;
        }

        if (!RegistryResponseClassifier.IsAuthChallenge(response))
        {
            throw await RegistryClient.FailureAsync(request, response, cancellationToken);
        }

        NoteChallenge(response.Headers.WwwAuthenticate.ToString());
        await RenewAsync(cancellationToken);
        if (_challenge!.IsBasic)
        {
            // Basic credentials are not checked by a token endpoint: check them here, before the push, not at its first blob.
            using var check = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry, "/v2/"));
            Apply(check);
            using var answer = await _http.SendAsync(check, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (RegistryResponseClassifier.IsAuthChallenge(answer))
            {
                throw new ReleaseTargetsException($"The registry {_registry.Authority} refused {_credentials}: check RELEASETARGETS_REGISTRY_USERNAME and RELEASETARGETS_REGISTRY_PASSWORD.");
            }
        }
    }

    /// <summary>Adds the current credential to a request to the registry itself; a request to any other origin gets none.</summary>
    public void Apply(HttpRequestMessage request) => request.Headers.Authorization = _hosts.IsRegistry(request.RequestUri) ? _header : null;

    /// <summary>Remembers the realm and service of a challenge (a 401 mid-push may come from a different auth server).</summary>
    public void NoteChallenge(string? header)
    {
        if (RegistryChallenge.Parse(header) is { } challenge && (challenge.IsBasic || challenge.IsBearer))
        {
            _challenge = challenge;
        }
    }

    public async ValueTask BeforeRequestAsync(PushProgress progress, CancellationToken cancellationToken = default)
    {
        // Renew ahead of expiry: a quarter of the token's life (at most a minute) before it ends.
        var generation = Generation;
        if (_expiresOn is { } expires && _timeProvider.GetUtcNow() >= expires - TimeSpan.FromTicks(Math.Min(_lifetime.Ticks / 4, TimeSpan.FromMinutes(1).Ticks)))
        {
            await RenewAfterRejectionAsync(generation, cancellationToken);
        }
    }

    public async ValueTask RenewAfterRejectionAsync(long rejectedGeneration, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (rejectedGeneration == Generation)
            {
                await RenewAsync(cancellationToken);
                Interlocked.Increment(ref _renewals);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var challenge = _challenge ?? throw new ReleaseTargetsException($"The registry {_registry.Authority} asked for authentication without saying how (no WWW-Authenticate challenge).");
        if (challenge.IsBasic)
        {
            if (!_credentials.HasPassword)
            {
                throw new ReleaseTargetsException($"The registry {_registry.Authority} asks for a user name and password: set RELEASETARGETS_REGISTRY_USERNAME and RELEASETARGETS_REGISTRY_PASSWORD.");
            }

            _header = new AuthenticationHeaderValue("Basic", _credentials.BasicParameter);
        }
        else
        {
            var (token, expiresIn) = _credentials.EntraCredential is not null
                ? await AcrTokenAsync(challenge, cancellationToken)
                : await BearerTokenAsync(challenge, cancellationToken);
            _redactor.Register(token);
            _header = new AuthenticationHeaderValue("Bearer", token);
            _lifetime = expiresIn;
            _expiresOn = _timeProvider.GetUtcNow() + expiresIn;
            Interlocked.Increment(ref _tokensIssued);
        }

        Interlocked.Increment(ref _generation);
        _log.Verbose($"Registry credential: {Describe()}.");
    }

    private async Task<(string Token, TimeSpan ExpiresIn)> BearerTokenAsync(RegistryChallenge challenge, CancellationToken cancellationToken)
    {
        var realm = _hosts.CheckRealm(challenge.Realm, sendsCredentials: _credentials.HasPassword);
        var query = new StringBuilder();
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        foreach (var scope in _scopes)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (_credentials.HasPassword)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials.BasicParameter);
        }

        var body = await SendTokenRequestAsync(request, realm, cancellationToken);
        var token = body["token"]?.GetValue<string>() ?? body["access_token"]?.GetValue<string>();
        return (token ?? throw new ReleaseTargetsException($"The token endpoint {realm.GetLeftPart(UriPartial.Path)} answered without a token."), ExpiresIn(body));
    }

    private async Task<(string Token, TimeSpan ExpiresIn)> AcrTokenAsync(RegistryChallenge challenge, CancellationToken cancellationToken)
    {
        var realm = _hosts.CheckRealm(challenge.Realm, sendsCredentials: true);
        var service = challenge.Service ?? _registry.Host;
        var entra = await _credentials.EntraCredential!.GetTokenAsync(new Azure.Core.TokenRequestContext([AcrScope]), cancellationToken);
        _redactor.Register(entra.Token);
        var exchangeUri = new Uri(realm, "/oauth2/exchange");
        using var exchange = new HttpRequestMessage(HttpMethod.Post, exchangeUri)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "access_token", ["service"] = service, ["access_token"] = entra.Token }),
        };
        var refresh = (await SendTokenRequestAsync(exchange, exchangeUri, cancellationToken))["refresh_token"]?.GetValue<string>()
            ?? throw new ReleaseTargetsException($"{exchangeUri} answered without a refresh token.");
        _redactor.Register(refresh);

        var tokenUri = new Uri(realm, "/oauth2/token");
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("service", service), new("refresh_token", refresh) };
        form.AddRange(_scopes.Select(s => new KeyValuePair<string, string>("scope", s)));
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUri) { Content = new FormUrlEncodedContent(form) };
        var body = await SendTokenRequestAsync(request, tokenUri, cancellationToken);
        var token = body["access_token"]?.GetValue<string>() ?? throw new ReleaseTargetsException($"{tokenUri} answered without an access token.");
        return (token, ExpiresIn(body));
    }

    private async Task<JsonNode> SendTokenRequestAsync(HttpRequestMessage request, Uri endpoint, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (RegistryResponseClassifier.IsTransient(response))
        {
            // Transient: the runner's pipeline retries (RefreshCredentials) like any registry request.
            throw new RegistryRequestException(request.Method.Method, endpoint.AbsolutePath, RegistryResponseClassifier.Status(response), errorCode: null, challenge: null, response.Headers.RetryAfter);
        }

        if (!RegistryResponseClassifier.IsSuccess(response))
        {
            var hint = RegistryResponseClassifier.IsRefusal(response)
                ? _credentials.EntraCredential is not null
                    ? $"the Entra identity was refused: give it the {(_scopes.Any(x => x.EndsWith(":push", StringComparison.Ordinal) || x.Contains(",push", StringComparison.Ordinal)) ? "AcrPush" : "AcrPull")} role on the registry."
                    : "check RELEASETARGETS_REGISTRY_USERNAME and RELEASETARGETS_REGISTRY_PASSWORD."
                : "re-run the push; if it keeps failing, check the registry's token service.";
            throw new ReleaseTargetsException($"The registry token endpoint {endpoint.GetLeftPart(UriPartial.Path)} answered {RegistryResponseClassifier.Status(response)} for {string.Join(' ', _scopes)} as {_credentials}: {hint}");
        }

        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ReleaseTargetsException($"The registry token endpoint {endpoint.GetLeftPart(UriPartial.Path)} answered something that is not JSON.");
        }
    }

    private static TimeSpan ExpiresIn(JsonNode body) =>
        body["expires_in"]?.GetValue<double>() is { } seconds and > 0 and < 31_536_000
            ? TimeSpan.FromSeconds(seconds)
            : RegistryDefaults.TokenLifetime;
}
