namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>
/// A match, a selection among the matching requests, and exactly one action. Thread-safe; counts
/// how often it matched and fired.
/// </summary>
public sealed class FaultRule
{
    private long _matched;
    private long _fired;

    public FaultRule(FaultMatch match, FaultAction action, FaultSelection? selection = null, string? name = null)
    {
        Match = match ?? throw new ArgumentNullException(nameof(match));
        Action = action ?? throw new ArgumentNullException(nameof(action));
        Selection = selection ?? FaultSelection.Always;
        Name = name ?? $"{action} on {Describe(match)} ({Selection})";
    }

    public FaultMatch Match { get; }

    public FaultAction Action { get; }

    public FaultSelection Selection { get; }

    /// <summary>Shown in <see cref="ProxiedRequest.Rule"/>.</summary>
    public string Name { get; }

    /// <summary>How many requests reached this rule and matched it.</summary>
    public long MatchCount => Interlocked.Read(ref _matched);

    /// <summary>How many requests this rule acted on.</summary>
    public long FiredCount => Interlocked.Read(ref _fired);

    /// <summary>Counts a match and decides, atomically for this request, whether the rule fires.</summary>
    internal bool TryFire(ProxiedRequest request)
    {
        if (!Match.IsMatch(request))
        {
            return false;
        }

        var ordinal = Interlocked.Increment(ref _matched);
        if (!Selection.ShouldFire(ordinal))
        {
            return false;
        }

        Interlocked.Increment(ref _fired);
        return true;
    }

    public override string ToString() => Name;

    private static string Describe(FaultMatch match)
    {
        var comp = match.Comp switch
        {
            FaultMatch.AnyComp => "",
            null => " (no comp)",
            var c => $" comp={c}",
        };
        return $"{match.Method ?? "*"}{comp}"
            + (match.BlobNameContains is null ? "" : $" blob~{match.BlobNameContains}")
            + (match.BlockId is null ? "" : $" blockid={match.BlockId}");
    }
}
