namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Copy-on-write list of rules: adding or clearing never disturbs a request being evaluated.</summary>
internal sealed class FaultRuleSet
{
    private readonly Lock _gate = new();
    private FaultRule[] _rules = [];

    public IReadOnlyList<FaultRule> Snapshot => Volatile.Read(ref _rules);

    public void Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules = [.. _rules, rule];
        }
    }

    public bool Remove(FaultRule rule)
    {
        lock (_gate)
        {
            var kept = _rules.Where(r => !ReferenceEquals(r, rule)).ToArray();
            var removed = kept.Length != _rules.Length;
            _rules = kept;
            return removed;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules = [];
        }
    }

    /// <summary>
    /// Rules are tried in the order they were added; the first that fires wins, and later rules do not
    /// see (or count) the request.
    /// </summary>
    public FaultRule? FindFiring(ProxiedRequest request)
    {
        foreach (var rule in Volatile.Read(ref _rules))
        {
            if (rule.TryFire(request))
            {
                return rule;
            }
        }

        return null;
    }
}
