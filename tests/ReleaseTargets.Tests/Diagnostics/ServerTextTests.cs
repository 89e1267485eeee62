using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Tests.Diagnostics;

public sealed class ServerTextTests
{
    [Theory]
    [InlineData("BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_UNKNOWN")]
    [InlineData("DENIED\r\n::error title=pwned::x", "DENIED ::error title=pwned::x")]
    [InlineData("a\u001b[2J\u001b[1;1Hb", "a?[2J?[1;1Hb")]
    [InlineData("csi\u009b31m red", "csi?31m red")]
    [InlineData("x\u0000y\u0007z\u007f", "x?y?z?")]
    [InlineData("evil\u202Etxt.exe\u2066i\u2069", "evil?txt.exe?i?")]
    [InlineData("line\u2028sep\u2029para\u0085nel", "line sep para nel")]
    [InlineData("  spaced \t\t out  ", "spaced out")]
    [InlineData("Größe ✓ 日本", "Größe ✓ 日本")]
    public void Sanitize_ControlAndBidiCharacters_BecomeOnePrintableLine(string raw, string expected) =>
        Assert.Equal(expected, ServerText.Sanitize(raw));

    [Fact]
    public void Sanitize_LongText_IsCutAtTheCapWithAnEllipsis()
    {
        var text = ServerText.Sanitize(new string('A', 5000));

        Assert.Equal(new string('A', ServerText.MaxLength) + "…", text);
    }

    [Fact]
    public void Sanitize_ASecretAcrossTheCap_IsRedactedBeforeTheCut()
    {
        // Cut first, the signature's tail would be gone and the redactor would no longer see a whole "sig=" value.
        var text = ServerText.Sanitize(new string('x', 190) + " sig=c2lnbmF0dXJlLXBhcnQ%3D&se=2026", maxLength: 200);

        Assert.DoesNotContain("c2ln", text, StringComparison.Ordinal);
        Assert.Contains("sig=***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_Null_StaysNull() => Assert.Null(ServerText.Sanitize(null));
}
