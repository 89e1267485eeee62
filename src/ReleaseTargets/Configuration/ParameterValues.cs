using System.Globalization;

namespace ReleaseTargets.Configuration;

/// <summary>Parses parameter text; each parser returns an error naming the fix, or null when the value was applied.</summary>
internal static class ParameterValues
{
    public static string? Int(string name, string text, int min, int max, Action<int> set)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            set(value);
            return null;
        }

        return $"{name} '{text}' is not a whole number from {min} to {max}.";
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

        return $"{name} '{text}' is not true or false.";
    }

    public static string? Duration(string name, string text, TimeSpan min, TimeSpan max, Action<TimeSpan> set)
    {
        if (TryParseDuration(text, out var value) && value >= min && value <= max)
        {
            set(value);
            return null;
        }

        return $"{name} '{text}' is not a duration from {Format(min)} to {Format(max)} (write 90s, 15m, 2h, 1d or 00:15:00).";
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? parsed = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (parsed is { } p)
            {
                value = p;
                return true;
            }
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
