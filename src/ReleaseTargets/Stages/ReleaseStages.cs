namespace ReleaseTargets.Stages;

/// <summary>The names under which the release stages are recorded in the <see cref="StageHistory"/>.</summary>
public static class ReleaseStages
{
    public const string Build = "Build";

    public const string RefreshCredentials = "RefreshCredentials";

    public const string Push = "Push";
}
