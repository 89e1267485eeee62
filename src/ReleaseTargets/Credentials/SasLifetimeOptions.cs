using System.Globalization;
using ReleaseTargets.Configuration;
using ReleaseTargets.Stages;

namespace ReleaseTargets.Credentials;

/// <summary>
/// How <see cref="SasLifetimePolicy"/> turns a push forecast into a SAS validity window. The safety factor is not
/// here: it belongs to the forecast (<see cref="ForecastOptions.SafetyFactor"/>), and the policy reads it from there
/// for renewal, so sizing and renewal can never use two different factors.
/// </summary>
public sealed class SasLifetimeOptions
{
    /// <summary>
    /// Tolerated clock difference between this machine and Azure Storage: the SAS starts this much in the past and
    /// expires this much after the forecast end. Azure's guidance is 15 minutes, applied to both ends.
    /// Default: 15 minutes.
    /// </summary>
    public TimeSpan SkewMargin { get; set; } = SasLifetimeConstants.SkewMargin;

    /// <summary>
    /// The shortest validity, counted from the moment the SAS is issued, whatever the forecast. Covers the work
    /// between minting and the first request (listing and hashing artifacts) for small pushes.
    /// Default: 30 minutes.
    /// </summary>
    public TimeSpan MinimumLifetime { get; set; } = SasLifetimeConstants.MinimumLifetime;

    /// <summary>
    /// The longest validity, counted from the moment the SAS is issued. At most 7 days, the lifetime limit of the
    /// user delegation key that signs it; longer pushes are covered by renewal.
    /// Default: 7 days.
    /// </summary>
    public TimeSpan MaximumLifetime { get; set; } = SasLifetimeConstants.MaximumLifetime;

    /// <summary>An independent copy.</summary>
    public SasLifetimeOptions Clone() => (SasLifetimeOptions)MemberwiseClone();

    /// <summary>Throws one <see cref="Configuration.ReleaseConfigurationException"/> naming every bad value.</summary>
    internal void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
        {
            throw new Configuration.ReleaseConfigurationException(problems);
        }
    }

    /// <summary>Every problem with these settings, one line each (empty when valid).</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>();
        if (SkewMargin < TimeSpan.Zero)
        {
            problems.Add(Problem(nameof(SkewMargin), SkewMargin, "must not be negative"));
        }

        if (MinimumLifetime <= TimeSpan.Zero)
        {
            problems.Add(Problem(nameof(MinimumLifetime), MinimumLifetime, "must be above zero"));
        }

        if (MaximumLifetime <= TimeSpan.Zero || MaximumLifetime > SasLifetimeConstants.KeyMaximumLifetime)
        {
            problems.Add(Problem(nameof(MaximumLifetime), MaximumLifetime, "must be above zero and at most 7 days (the user delegation key limit)"));
        }
        else if (MinimumLifetime > MaximumLifetime)
        {
            problems.Add(Problem(nameof(MinimumLifetime), MinimumLifetime, $"must not exceed {nameof(MaximumLifetime)} '{MaximumLifetime}'"));
        }

        if (SkewMargin >= TimeSpan.Zero && MinimumLifetime > TimeSpan.Zero
            && MinimumLifetime + SkewMargin > SasLifetimeConstants.KeyMaximumLifetime)
        {
            problems.Add(Problem(nameof(MinimumLifetime), MinimumLifetime, $"plus {nameof(SkewMargin)} must be at most 7 days, or the user delegation key cannot cover it"));
        }

        return problems;
    }

    private static string Problem(string property, TimeSpan value, string rule) =>
        string.Create(CultureInfo.InvariantCulture, $"{nameof(SasLifetimeOptions)}.{property} {rule} (got '{value}').");
}

/// <summary>The defaults of <see cref="SasLifetimeOptions"/> and the service limits behind them.</summary>
internal static class SasLifetimeConstants
{
    /// <summary>Azure: "set the start time to be at least 15 minutes in the past … the same applies to the expiry".
    /// https://learn.microsoft.com/azure/storage/common/storage-sas-overview#best-practices-when-using-sas</summary>
    public static readonly TimeSpan SkewMargin = TimeSpan.FromMinutes(15);

    /// <summary>A shorter SAS gains next to nothing in exposure and risks a renewal on every small push.</summary>
    public static readonly TimeSpan MinimumLifetime = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan MaximumLifetime = KeyMaximumLifetime;

    /// <summary>The service refuses a user delegation key valid for longer than 7 days.
    /// https://learn.microsoft.com/rest/api/storageservices/get-user-delegation-key</summary>
    public static TimeSpan KeyMaximumLifetime => TimeSpan.FromDays(7);
}
