using ReleaseTargets.Composition;

namespace ReleaseTargets.Cake;

/// <summary>The settings of <c>UseReleaseTargets</c>: those of every build, plus where the Cake tasks hook in.</summary>
public sealed class ReleaseTargetsSettings : ReleaseBuildSettings
{
    /// <summary>The task RefreshCredentials depends on. Default: <c>Build</c>.</summary>
    public string DependsOn { get; set; } = "Build";
}
