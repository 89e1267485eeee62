using System.Buffers.Text;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Emulator;

namespace ReleaseTargets.Tests.Emulator;

public sealed class EmulatorTokenCredentialTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly Guid Tenant = Guid.Parse("72f988bf-86f1-41af-91ab-2d7cd011db47");
    private static readonly TokenRequestContext StorageScope = new(["https://storage.azure.com/.default"]);

    [Fact]
    public void GetToken_AnyTime_CarriesClaimsAzuriteRequires()
    {
        var credential = new EmulatorTokenCredential(new FakeTimeProvider(Start), Tenant);

        var token = credential.GetToken(StorageScope, CancellationToken.None);
        var (header, claims) = Decode(token.Token);

        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal($"https://sts.windows.net/{Tenant}/", claims.GetProperty("iss").GetString());
        Assert.Equal("https://storage.azure.com", claims.GetProperty("aud").GetString());
        Assert.Equal(Start.AddMinutes(-5).ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(Start.AddMinutes(-5).ToUnixTimeSeconds(), claims.GetProperty("nbf").GetInt64());
        Assert.Equal(Start.AddHours(1).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
        Assert.Equal(Tenant.ToString(), claims.GetProperty("tid").GetString());
        Assert.True(Guid.TryParse(claims.GetProperty("oid").GetString(), out _));
        Assert.True(Guid.TryParse(claims.GetProperty("appid").GetString(), out _));
        Assert.Equal(claims.GetProperty("oid").GetString(), claims.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task GetTokenAsync_ClockAdvanced_ExpiryFollowsFakeTime()
    {
        var time = new FakeTimeProvider(Start);
        var credential = new EmulatorTokenCredential(time, Tenant);
        var first = await credential.GetTokenAsync(StorageScope, CancellationToken.None);

        time.Advance(TimeSpan.FromHours(3));
        var second = await credential.GetTokenAsync(StorageScope, CancellationToken.None);

        Assert.Equal(Start.AddHours(1), first.ExpiresOn);
        Assert.Equal(Start.AddHours(4), second.ExpiresOn);
        Assert.Equal(second.ExpiresOn.ToUnixTimeSeconds(), Decode(second.Token).Claims.GetProperty("exp").GetInt64());
    }

    private static (JsonElement Header, JsonElement Claims) Decode(string token)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.NotEmpty(parts[2]);
        return (JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement, JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement);
    }
}
