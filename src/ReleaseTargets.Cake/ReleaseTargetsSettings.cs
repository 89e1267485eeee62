namespace ReleaseTargets.Cake;

/// <summary>
/// What a build tells ReleaseTargets in its one configuration call. Values here are the build's defaults: the
/// parameters file, environment variables and the command line still override them.
/// </summary>
public sealed class ReleaseTargetsSettings
{
    /// <summary>The task RefreshCredentials depends on. Default: <c>Build</c>.</summary>
    public string DependsOn { get; set; } = "Build";

    /// <summary>Parameter defaults supplied by the build, e.g. <c>["ReleaseVersion"] = "1.2.3"</c>.</summary>
    public IDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Arguments that belong to the build itself (so they are not reported as unknown parameters).</summary>
    public ISet<string> BuildArguments { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Repository root that relative paths are resolved against. Default: the nearest folder upwards holding <c>.nuke/</c>.</summary>
    public string? RootDirectory { get; set; }

    /// <summary>Path of the parameters file, relative to <see cref="RootDirectory"/>. Default: <c>.nuke/parameters.json</c>.</summary>
    public string ParametersFile { get; set; } = ".nuke/parameters.json";

    /// <summary>Shorthand for <c>Defaults["ReleaseVersion"]</c>.</summary>
    public string? ReleaseVersion
    {
        get => Defaults.TryGetValue("ReleaseVersion", out var v) ? v : null;
        set => Defaults["ReleaseVersion"] = value ?? string.Empty;
    }

    /// <summary>Shorthand for <c>Defaults["ArtifactsDirectory"]</c>.</summary>
    public string? ArtifactsDirectory
    {
        get => Defaults.TryGetValue("ArtifactsDirectory", out var v) ? v : null;
        set => Defaults["ArtifactsDirectory"] = value ?? string.Empty;
    }
}
