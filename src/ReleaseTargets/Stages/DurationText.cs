using System.Globalization;
using System.Text;

namespace ReleaseTargets.Stages;

/// <summary>Short durations for people: "18m", "1h30m", "7d", "6d23h45m".</summary>
internal static class DurationText
{
    /// <summary>Rounds up to whole minutes, so a printed forecast is never shorter than the real one.</summary>
    public static string Format(TimeSpan duration)
    {
        var minutes = (long)Math.Ceiling(Math.Max(0, duration.Ticks) / (double)TimeSpan.TicksPerMinute);
        var days = minutes / (24 * 60);
        var hours = minutes / 60 % 24;
        minutes %= 60;

        var text = new StringBuilder();
        if (days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{days}d");
        }

        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (minutes > 0 || text.Length == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        return text.ToString();
    }
}
