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
}
