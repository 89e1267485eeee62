namespace ReleaseTargets.Configuration;

/// <summary>Bad input, found before any credential is minted or byte is sent. Lists every problem at once.</summary>
public sealed class ReleaseConfigurationException : ReleaseTargetsException
{
    /// <param name="problems">Every problem found, each naming the parameter and the fix.</param>
    public ReleaseConfigurationException(IReadOnlyList<string> problems)
        : base(problems.Count == 1 ? problems[0] : "Invalid parameters:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
