using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Diagnostics;

public sealed class RedactorTests
{
    [Fact]
    public void Redact_SasUrl_MasksSignatureOnly()
    {
        var text = "PUT https://acct.blob.core.windows.net/c/b?sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sig=AbC%2Bdef123%3D&comp=block";

        var redacted = Redactor.Redact(text);

        Assert.Equal("PUT https://acct.blob.core.windows.net/c/b?sv=2026-06-06&se=2026-11-22T12%3A00%3A00Z&sp=cw&sig=***&comp=block", redacted);
    }

    [Fact]
    public void Redact_BearerTokenAndJwt_AreMasked()
    {
        var redacted = Redactor.Redact("Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2ln and eyJhbGciOi.eyJzdWIiOiIx.c2ln");

        Assert.Equal("Authorization: Bearer *** and ***", redacted);
    }

    [Fact]
    public void Redact_AccountKeyInConnectionString_IsMasked()
    {
        var redacted = Redactor.Redact("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zm9vYmFyYmF6==;EndpointSuffix=core.windows.net");

        Assert.Equal("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net", redacted);
    }

    [Fact]
    public void Redact_RegisteredSecret_IsMaskedWherever_ItAppears()
    {
        var secret = "udk-" + Guid.NewGuid().ToString("N");
        Redactor.Register(secret);

        var redacted = Redactor.Redact($"key value was {secret}.");

        Assert.Equal("key value was ***.", redacted);
    }

    [Fact]
    public void Redact_ShortSecret_IsMaskedWhateverItsLength()
    {
        Redactor.Register("k7Q!");

        Assert.Equal("error: *** rejected", Redactor.Redact("error: k7Q! rejected"));
    }

    [Fact]
    public void Redact_ShortSecret_AlsoMasksTheSameLettersInsideOtherText()
    {
        // Characters no hex digest, GUID or base64 holds: the redactor is process-wide and other tests must not see this mask.
        Redactor.Register("W!q9");

        Assert.Equal("x***y", Redactor.Redact("xW!q9y"));
    }

    [Fact]
    public void Redact_BasicCredentials_MasksThePairItsBase64AndThePasswordAlone()
    {
        var password = "p!" + Guid.NewGuid().ToString("N")[..5];
        Redactor.RegisterBasicCredentials("carol", password);
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"carol:{password}"));

        Assert.Equal("login *** header Basic *** echo *** alone ***", Redactor.Redact($"login carol:{password} header Basic {base64} echo {base64} alone {password}"));
    }

    [Fact]
    public void Redact_JsonEscapedSecret_IsMasked()
    {
        var secret = "a+b<" + Guid.NewGuid().ToString("N")[..3];
        Redactor.Register(secret);

        var json = System.Text.Json.JsonSerializer.Serialize(new { error = $"echoed {secret}" });

        Assert.Equal("{\"error\":\"echoed ***\"}", Redactor.Redact(json));
    }

    [Fact]
    public void Redact_SecretInsideALongerSecret_LeavesNothingOfTheLongerOne()
    {
        var inner = "§" + Guid.NewGuid().ToString("N")[..4];
        var outer = "tok-" + inner + "-" + Guid.NewGuid().ToString("N");
        Redactor.Register(inner);
        Redactor.Register(outer);

        Assert.Equal("token ***.", Redactor.Redact($"token {outer}."));
    }
}
