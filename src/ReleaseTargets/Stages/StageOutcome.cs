namespace ReleaseTargets.Stages;

/// <summary>How a recorded stage ended.</summary>
public enum StageOutcome
{
    Succeeded,
    Failed,
}
