namespace ReleaseTargets.Tests.Infrastructure.FaultProxy;

/// <summary>Which of the requests a rule matches it fires on. Ordinals count from 1, per rule, from when it was added.</summary>
public sealed class FaultSelection
{
    private readonly Func<long, bool> _decide;
    private readonly string _text;

    private FaultSelection(Func<long, bool> decide, string text)
    {
        _decide = decide;
        _text = text;
    }

    /// <summary>Every matching request.</summary>
    public static FaultSelection Always { get; } = new(_ => true, "always");

    /// <summary>Only the <paramref name="n"/>th matching request (1-based).</summary>
    public static FaultSelection Nth(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new FaultSelection(ordinal => ordinal == n, $"#{n}");
    }

    /// <summary>The first <paramref name="count"/> matching requests.</summary>
    public static FaultSelection FirstN(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new FaultSelection(ordinal => ordinal <= count, $"first {count}");
    }

    /// <summary>Each matching request with <paramref name="probability"/>, from a seeded generator so a run can be replayed.</summary>
    public static FaultSelection Probability(double probability, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0d);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1d);
        var random = new Random(seed);
        var gate = new Lock();
        return new FaultSelection(
            _ =>
            {
                lock (gate)
                {
                    return random.NextDouble() < probability;
                }
            },
            $"p={probability} seed={seed}");
    }

    internal bool ShouldFire(long matchOrdinal) => _decide(matchOrdinal);

    public override string ToString() => _text;
}
