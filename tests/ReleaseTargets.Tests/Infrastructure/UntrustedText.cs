using System.Text.Json;

namespace ReleaseTargets.Tests.Infrastructure;

/// <summary>Hostile text a server may send, and the checks that none of it reached a sink raw.</summary>
internal static class UntrustedText
{
    /// <summary>Long enough that a bounded copy cannot hold it whole.</summary>
    public static readonly string Tail = new('A', 5000);

    /// <summary>Newlines, a forged GitHub annotation, ANSI (ESC and 8-bit CSI) cursor movement, a bidi override, 5,000 characters.</summary>
    public static readonly string Payload = "Evil\r\n::error title=pwned::x\u001b[2K\u001b[1A\u009b2J\u202Egnp.exe\n" + Tail;

    /// <summary>The same without ESC, which XML (Azure's error bodies) cannot carry.</summary>
    public static readonly string XmlPayload = "Evil\r\n::error title=pwned::x\u009b2K\u009b1A\u202Egnp.exe\n" + Tail;

    /// <summary>Each line: no control or bidi character, not starting with "::", not holding the long tail.</summary>
    public static void AssertClean(string sink, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var bad = line.TrimEnd('\r').FirstOrDefault(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');
            Assert.True(bad == default, $"{sink}: U+{(int)bad:X4} in line '{line}'");
            Assert.False(line.TrimStart().StartsWith("::", StringComparison.Ordinal), $"{sink}: a line starts with '::': '{line}'");
            Assert.DoesNotContain(new string('A', ReleaseTargets.Diagnostics.ServerText.MaxMessageLength + 1), line, StringComparison.Ordinal);
        }
    }

    /// <summary>Every string in a JSON document passes <see cref="AssertClean"/>, and none holds a line break.</summary>
    public static void AssertCleanJson(string sink, string json)
    {
        AssertClean(sink, json);
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement);

        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
                case JsonValueKind.String:
                    var value = element.GetString()!;
                    AssertClean(sink, value);
                    break;
            }
        }
    }
}
