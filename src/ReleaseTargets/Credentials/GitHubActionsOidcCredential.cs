using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Credentials;

/// <summary>
/// Exchanges a GitHub Actions OIDC ID token for an Entra ID token, fetching a fresh ID token for every
/// client assertion. The ID token lives about 5 minutes; a job that fetches it once at start-up and
/// exchanges it after a long build fails with <c>AADSTS700024: Client assertion is not within its valid
/// time range</c>. The request token that authorises the fetch lives about 6 hours, so it is the one kept.
/// See https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
/// </summary>
internal sealed class GitHubActionsOidcCredential : TokenCredential
{
    /// <summary>The audience Entra ID expects in a federated credential's token.</summary>
    public const string Audience = "api://AzureADTokenExchange";

    public const string RequestUrlVariable = "ACTIONS_ID_TOKEN_REQUEST_URL";
    public const string RequestTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

    // One client for the process: the assertion callback runs on every token request and a new
    // HttpClient each time would leak sockets.
    private static readonly Lazy<HttpClient> SharedHttpClient = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

    private readonly Uri _idTokenUrl;
    private readonly string _requestToken;
    private readonly HttpClient _httpClient;
    private readonly Redactor _redactor;
    private readonly ClientAssertionCredential _inner;

    /// <param name="tenantId">The Entra tenant of the app registration that trusts this repository.</param>
    /// <param name="clientId">The client id of that app registration.</param>
    /// <param name="requestUrl">The value of ACTIONS_ID_TOKEN_REQUEST_URL.</param>
    /// <param name="requestToken">The value of ACTIONS_ID_TOKEN_REQUEST_TOKEN; registered with <paramref name="redactor"/>.</param>
    /// <param name="redactor">The run's redactor: the request token and every ID token fetched are registered there.</param>
    /// <param name="options">
    /// Options for the underlying <see cref="ClientAssertionCredential"/> (authority host, transport,
    /// instance discovery); <c>null</c> uses Azure public cloud defaults.
    /// </param>
    /// <param name="httpClient">The client used to call the GitHub token endpoint; <c>null</c> uses a shared one.</param>
    public GitHubActionsOidcCredential(
        string tenantId,
        string clientId,
        Uri requestUrl,
        string requestToken,
        Redactor redactor,
        ClientAssertionCredentialOptions? options = null,
        HttpClient? httpClient = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(requestUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestToken);
        ArgumentNullException.ThrowIfNull(redactor);

        _redactor = redactor;
        _redactor.Register(requestToken);
        _idTokenUrl = WithAudience(requestUrl, Audience);
        _requestToken = requestToken;
        _httpClient = httpClient ?? SharedHttpClient.Value;
        _inner = new ClientAssertionCredential(tenantId, clientId, GetAssertionAsync, options);
    }

    /// <summary>The URL the ID token is requested from: the request URL plus the URL-encoded audience.</summary>
    internal Uri IdTokenUrl => _idTokenUrl;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => _inner.GetToken(requestContext, cancellationToken);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => _inner.GetTokenAsync(requestContext, cancellationToken);

    /// <summary>
    /// The assertion callback: requests a new GitHub ID token every time it is called, never a cached one.
    /// </summary>
    internal async Task<string> GetAssertionAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _idTokenUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _requestToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            throw new ReleaseTargetsException(
                $"Could not reach the GitHub Actions ID token endpoint at '{Describe(_idTokenUrl)}' ({exception.GetType().Name}); re-run the job, and check the runner can reach GitHub.",
                exception);
        }

        using (response)
        {
            if (!OidcAnswerClassifier.MayHoldToken(response))
            {
                // The body is not echoed: it is not needed to act, and a stand-in or proxy could reflect the request token.
                throw new ReleaseTargetsException(
                    $"The GitHub Actions ID token endpoint at '{Describe(_idTokenUrl)}' answered {OidcAnswerClassifier.Describe(response)}; grant 'id-token: write' in the workflow's permissions and pass this job's {RequestTokenVariable}.");
            }

            var value = await ReadValueAsync(response, cancellationToken);
            _redactor.Register(value);
            return value;
        }
    }

    private async Task<string> ReadValueAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("value", out var value)
                && value.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(value.GetString()))
            {
                return value.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Reported below with the same message as a well-formed body without a token.
        }

        throw new ReleaseTargetsException(
            $"The GitHub Actions ID token endpoint at '{Describe(_idTokenUrl)}' answered {OidcAnswerClassifier.Describe(response, withReason: false)} without a token (expected JSON {{\"value\": \"<token>\"}}); check {RequestUrlVariable} is the runner's own.");
    }

    internal static Uri WithAudience(Uri requestUrl, string audience)
    {
        // The runner's URL already carries a query (api-version=2.0), but do not rely on it.
        var builder = new UriBuilder(requestUrl);
        var query = builder.Query.TrimStart('?');
        var audienceParameter = "audience=" + Uri.EscapeDataString(audience);
        builder.Query = query.Length == 0 ? audienceParameter : query.TrimEnd('&') + "&" + audienceParameter;
        return builder.Uri;
    }

    // Only scheme, host and path: the query identifies the run and is of no use in a message.
    private static string Describe(Uri url) => url.GetLeftPart(UriPartial.Path);
}
