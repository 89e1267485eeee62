using System.Globalization;

namespace ReleaseTargets.Diagnostics;

/// <summary>Human formatting of sizes and durations, shared by progress, report and SAS window lines.</summary>
public static class Units
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalHours: >= 1 } => $"{(int)duration.TotalHours}h{duration.Minutes:00}m",
        { TotalMinutes: >= 1 } => $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s",
        _ => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s",
    };
}
