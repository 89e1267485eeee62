namespace ReleaseTargets.Stages;

/// <summary>How a recorded stage ended.</summary>
internal enum StageOutcome
{
    Succeeded,
    Failed,
}
