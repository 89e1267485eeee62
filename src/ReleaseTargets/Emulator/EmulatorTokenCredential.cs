using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace ReleaseTargets.Emulator;

/// <summary>
/// Mints unsigned bearer tokens that Azurite accepts with <c>--oauth basic</c>: it checks the claims
/// (iss, aud, iat, nbf, exp) but not the signature. Real Azure Storage rejects these tokens, and they must never
/// leave the machine: only <see cref="AzuriteEmulator.CreateTokenCredential"/> hands one out, bound to that
/// emulator's loopback HTTPS endpoint, and the caller decides to use it only against that endpoint.
/// </summary>
internal sealed class EmulatorTokenCredential(TimeProvider timeProvider, Guid tenantId) : TokenCredential
{
    public const string Audience = "https://storage.azure.com";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    // Azurite rejects a token whose iat/nbf lie in its future; backdating covers clock differences.
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly Guid _objectId = Guid.NewGuid();
    private readonly Guid _applicationId = Guid.NewGuid();

    public Guid TenantId => tenantId;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Mint();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Mint());

    private AccessToken Mint()
    {
        var now = timeProvider.GetUtcNow();
        var expires = now + Lifetime;
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT" };
        var claims = new Dictionary<string, object>
        {
            ["iss"] = $"https://sts.windows.net/{tenantId}/",
            ["aud"] = Audience,
            ["iat"] = (now - Backdate).ToUnixTimeSeconds(),
            ["nbf"] = (now - Backdate).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["oid"] = _objectId.ToString(),
            ["tid"] = tenantId.ToString(),
            ["sub"] = _objectId.ToString(),
            ["appid"] = _applicationId.ToString(),
        };
        var token = string.Join(
            '.',
            Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header)),
            Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)),
            Base64Url.EncodeToString(Encoding.ASCII.GetBytes("unsigned-emulator-token")));

        // The token carries whole seconds; report the same expiry so a refresh is never scheduled after it.
        return new AccessToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
