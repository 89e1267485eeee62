using System.Globalization;

namespace ReleaseTargets.Diagnostics;

/// <summary>Human formatting of sizes and durations, shared by progress, report and SAS window lines.</summary>
internal static class Units
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>A measured time: "4.4s", "1m05s", "2h03m".</summary>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalHours: >= 1 } => $"{(int)duration.TotalHours}h{duration.Minutes:00}m",
        { TotalMinutes: >= 1 } => $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s",
        _ => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
    };

    /// <summary>
    /// A time budget (forecast, margin, SAS lifetime) as "18m", "1h30m", "7d", "6d23h45m": rounded up to whole minutes,
    /// so a printed budget is never shorter than the real one. <see cref="Duration"/> is for measured times.
    /// </summary>
    public static string Budget(TimeSpan budget)
    {
        var minutes = (long)Math.Ceiling(Math.Max(0, budget.Ticks) / (double)TimeSpan.TicksPerMinute);
        var (days, hours) = (minutes / (24 * 60), minutes / 60 % 24);
        minutes %= 60;
        var text = (days > 0 ? $"{days}d" : "") + (hours > 0 ? $"{hours}h" : "");
        return minutes > 0 || text.Length == 0 ? text + $"{minutes}m" : text;
    }
}
