using System.Globalization;
using System.Text;

namespace ReleaseTargets.Diagnostics;

/// <summary>
/// The one way text a server sent (error codes, messages, challenge headers) enters a log line, an exception message or
/// the report: secrets redacted, then reduced to one printable line of bounded length. A registry or storage endpoint
/// (or anything between) chooses these bytes; printed raw, a newline plus <c>::error …</c> forges a CI annotation and an
/// ESC sequence moves the terminal's cursor (issue 21).
/// </summary>
internal static class ServerText
{
    /// <summary>Longest code or header kept from a server, in characters, before the ellipsis.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Longest free-text error message kept (e.g. a whole <c>RequestFailedException</c> message): long enough for the part
    /// that says what to fix (Azure's "HeaderName: x-ms-version" sits ~300 characters in), still one bounded line.
    /// </summary>
    public const int MaxMessageLength = 500;

    private const char Replacement = '?';

    /// <summary>
    /// Redacts what looks like a secret (<see cref="Redactor.RedactPatterns"/>) first, so a cut never leaves half a token the
    /// patterns no longer recognise (the run's registered secrets are removed where the text leaves the run: its log, its
    /// report, its exceptions); then
    /// replaces every control character (C0 incl. CR/LF/TAB/ESC, DEL, C1 incl. CSI U+009B), line and paragraph separators,
    /// bidirectional overrides and isolates and other format characters; collapses runs of whitespace; caps the length
    /// at <paramref name="maxLength"/> with an ellipsis. Null stays null.
    /// </summary>
    public static string? Sanitize(string? text, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return null;
        }

        var redacted = Redactor.RedactPatterns(text);
        var builder = new StringBuilder(Math.Min(redacted.Length, maxLength + 1));
        var lastWasSpace = false;
        foreach (var rune in redacted.EnumerateRunes())
        {
            if (builder.Length >= maxLength)
            {
                return builder.ToString().TrimEnd() + "…";
            }

            if (IsLineBreakOrSpace(rune))
            {
                if (!lastWasSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            lastWasSpace = false;
            if (IsUnsafe(rune))
            {
                builder.Append(Replacement);
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static bool IsLineBreakOrSpace(Rune rune) =>
        rune.Value is '\r' or '\n' or '\t' or '\v' or '\f' or 0x85 or 0x2028 or 0x2029 || Rune.IsWhiteSpace(rune);

    private static bool IsUnsafe(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        // Control (C0, DEL, C1), format (bidi overrides U+202A-U+202E, isolates U+2066-U+2069, marks, zero-width),
        // surrogates, private use and unassigned: none of them belongs in a one-line diagnostic.
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => true,
        _ => false,
    };
}
