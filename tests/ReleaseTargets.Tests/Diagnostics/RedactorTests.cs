using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Diagnostics;

public sealed class RedactorTests
{
    [Fact]
    public void Redact_SasUrl_MasksSignatureOnly()
    {
        var text = "PUT https://acct.blob.core.windows.net/c/b?sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sig=AbC%2Bdef123%3D&comp=block";

        var redacted = new Redactor().Redact(text);

        Assert.Equal("PUT https://acct.blob.core.windows.net/c/b?sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sig=***&comp=block", redacted);
    }

    [Fact]
    public void Redact_BearerTokenAndJwt_AreMasked()
    {
        var redacted = new Redactor().Redact("Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2ln and eyJhbGciOi.eyJzdWIiOiIx.c2ln");

        Assert.Equal("Authorization: Bearer *** and ***", redacted);
    }

    [Fact]
    public void Redact_AccountKeyInConnectionString_IsMasked()
    {
        var redacted = new Redactor().Redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFyYmF6==;EndpointSuffix=core.windows.net");

        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net", redacted);
    }

    [Fact]
    public void Redact_RegisteredSecret_IsMaskedWherever_ItAppears()
    {
        var secret = "udk-" + Guid.NewGuid().ToString("N");
        var redactor = new Redactor();
        redactor.Register(secret);

        var redacted = redactor.Redact($"key value was {secret}.");

        Assert.Equal("key value was ***.", redacted);
    }

    [Fact]
    public void Redact_ShortSecret_IsMaskedWhateverItsLength()
    {
        var redactor = new Redactor();
        redactor.Register("k7Q!");

        Assert.Equal("error: *** rejected", redactor.Redact("error: k7Q! rejected"));
    }

    [Fact]
    public void Redact_ShortSecret_AlsoMasksTheSameLettersInsideOtherText()
    {
        var redactor = new Redactor();
        redactor.Register("W!q9");

        Assert.Equal("x***y", redactor.Redact("xW!q9y"));
    }

    [Fact]
    public void Redact_BasicCredentials_MasksThePairItsBase64AndThePasswordAlone()
    {
        var password = "p!" + Guid.NewGuid().ToString("N")[..5];
        var redactor = new Redactor();
        redactor.RegisterBasicCredentials("carol", password);
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"carol:{password}"));

        Assert.Equal("login *** header Basic *** echo *** alone ***", redactor.Redact($"login carol:{password} header Basic {base64} echo {base64} alone {password}"));
    }

    [Fact]
    public void Redact_JsonEscapedSecret_IsMasked()
    {
        var secret = "a+b<" + Guid.NewGuid().ToString("N")[..3];
        var redactor = new Redactor();
        redactor.Register(secret);

        var json = System.Text.Json.JsonSerializer.Serialize(new { error = $"echoed {secret}" });

        Assert.Equal("{\"error\":\"echoed ***\"}", redactor.Redact(json));
    }

    [Fact]
    public void Redact_SecretInsideALongerSecret_LeavesNothingOfTheLongerOne()
    {
        var inner = "§" + Guid.NewGuid().ToString("N")[..4];
        var outer = "tok-" + inner + "-" + Guid.NewGuid().ToString("N");
        var redactor = new Redactor();
        redactor.Register(inner);
        redactor.Register(outer);

        Assert.Equal("token ***.", redactor.Redact($"token {outer}."));
    }

    [Fact]
    public void Register_OnOneInstance_IsNotMaskedByAnother()
    {
        var secret = "run-a-" + Guid.NewGuid().ToString("N");
        var runA = new Redactor();
        var runB = new Redactor();
        runA.Register(secret);

        Assert.Equal("key value was ***.", runA.Redact($"key value was {secret}."));
        Assert.Equal($"key value was {secret}.", runB.Redact($"key value was {secret}."));
        Assert.Equal($"key value was {secret}.", Redactor.RedactPatterns($"key value was {secret}."));
    }

    [Fact]
    public void RedactPatterns_MasksWhatLooksLikeASecretWithoutAnyInstance()
    {
        Assert.Equal("Authorization: Bearer *** and ***", Redactor.RedactPatterns("Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2ln and eyJhbGciOi.eyJzdWIiOiIx.c2ln"));
    }
}

public sealed class RedactorCutSecretTests
{
    [Fact]
    public void Redact_SecretCutByServerTextsLengthCap_MasksTheFirstPartLeftBeforeTheEllipsis()
    {
        var redactor = new ReleaseTargets.Diagnostics.Redactor();
        const string password = "Zq7+xW2-long-registry-password";
        redactor.Register(password);
        var echoed = ReleaseTargets.Diagnostics.ServerText.Sanitize(new string('x', 190) + " " + password + " trailing text")!;

        var text = redactor.Redact(echoed);

        Assert.EndsWith("…", echoed, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq7+xW2", text, StringComparison.Ordinal);
        Assert.EndsWith(ReleaseTargets.Diagnostics.Redactor.Mask + "…", text, StringComparison.Ordinal);
    }
}
