using System.Globalization;

namespace ReleaseTargets.Configuration;

/// <summary>
/// Parses parameter text and words range problems. Never throws: each parser returns a problem naming the parameter
/// as typed (<c>--block-size-mi-b</c>) and the accepted values, or null when the value was applied.
/// </summary>
internal static class ParameterValues
{
    public const string DurationForms = "write 90s, 15m, 2h, 1d or 00:15:00";

    public static string? Int(string name, string text, IntRange range, Action<int> set)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && range.Contains(value))
        {
            set(value);
            return null;
        }

        return range.Problem(name, text);
    }

    public static string? Bool(string name, string text, Action<bool> set)
    {
        // A bare flag (--create-container) arrives as an empty value and means true.
        if (text.Length == 0 || bool.TryParse(text, out var value) && value)
        {
            set(true);
            return null;
        }

        if (bool.TryParse(text, out _))
        {
            set(false);
            return null;
        }

        return $"{ParameterDefinition.CommandLineNameOf(name)} '{text}' is not true or false.";
    }

    public static string? Duration(string name, string text, DurationRange range, Action<TimeSpan> set)
    {
        if (TryParseDuration(text, out var value) && range.Contains(value))
        {
            set(value);
            return null;
        }

        return range.Problem(name, text);
    }

    /// <summary>
    /// Reads <c>90s</c>, <c>15m</c>, <c>0.5h</c>, <c>1d</c> or a TimeSpan (<c>00:15:00</c>). False — never an exception — for
    /// anything negative, NaN, infinite or too long for a <see cref="TimeSpan"/>.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        if (text.Length >= 2 && char.IsAsciiLetter(text[^1]) && !text.Contains(':', StringComparison.Ordinal))
        {
            double? unitSeconds = char.ToLowerInvariant(text[^1]) switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => null,
            };
            if (unitSeconds is not { } unit
                || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                || !double.IsFinite(amount)
                || amount < 0)
            {
                return false;
            }

            var ticks = amount * unit * TimeSpan.TicksPerSecond;
            if (ticks >= TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            value = TimeSpan.FromTicks((long)Math.Round(ticks));
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }

    public static string Format(TimeSpan value) => value switch
    {
        _ when value.TotalDays >= 1 && value.TotalDays == Math.Floor(value.TotalDays) => $"{value.TotalDays:0}d",
        _ when value.TotalHours >= 1 && value.TotalHours == Math.Floor(value.TotalHours) => $"{value.TotalHours:0}h",
        _ when value.TotalMinutes >= 1 && value.TotalMinutes == Math.Floor(value.TotalMinutes) => $"{value.TotalMinutes:0}m",
        _ => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
    };
}

/// <summary>The whole numbers a parameter accepts, and why when the reason is not obvious.</summary>
internal sealed record IntRange(int Min, int Max, string? Why = null)
{
    public bool Contains(int value) => value >= Min && value <= Max;

    public string Problem(string name, string shown) =>
        $"{ParameterDefinition.CommandLineNameOf(name)} '{shown}' is not a whole number from {Min} to {Max}" + (Why is null ? "." : $": {Why}");
}

/// <summary>The durations a parameter accepts; <see cref="ZeroMeans"/>, when set, also allows 0 and says what it does.</summary>
internal sealed record DurationRange(TimeSpan Min, TimeSpan Max, string? ZeroMeans = null)
{
    public bool Contains(TimeSpan value) => (value >= Min && value <= Max) || (ZeroMeans is not null && value == TimeSpan.Zero);

    public string Problem(string name, string shown) =>
        $"{ParameterDefinition.CommandLineNameOf(name)} '{shown}' is not " +
        (ZeroMeans is null ? "" : $"0 ({ZeroMeans}) or ") +
        $"a duration from {ParameterValues.Format(Min)} to {ParameterValues.Format(Max)}: {ParameterValues.DurationForms}.";
}
