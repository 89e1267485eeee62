using ReleaseTargets.Configuration;

namespace ReleaseTargets.Composition;

/// <summary>
/// What a build tells ReleaseTargets in its one configuration call, whatever the engine (a Cake script, a NUKE-shaped or
/// plain C# console build). Values here are the build's defaults: the parameters file, environment variables and the
/// command line still override them.
/// </summary>
public class ReleaseBuildSettings
{
    /// <summary>Parameter defaults supplied by the build, e.g. <c>["ReleaseVersion"] = "1.2.3"</c>.</summary>
    public IDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Arguments that belong to the build itself. In a Cake script every argument that is not a ReleaseTargets parameter
    /// must be listed here; a code-first build (<see cref="ReleaseBuild"/>) leaves unlisted ones alone and refuses only
    /// names that look like a misspelt ReleaseTargets parameter.
    /// </summary>
    public ISet<string> BuildArguments { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Repository root that relative paths are resolved against. Default: the nearest folder upwards holding <c>.nuke/</c>, else the working directory.</summary>
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

    /// <summary>The repository root: the nearest folder upwards holding <c>.nuke/</c>, else <paramref name="start"/>.</summary>
    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke")))
            {
                return dir.FullName;
            }
        }

        return start;
    }

    /// <summary>Every parameter resolved as <see cref="Resolve(IReadOnlyDictionary{string, string}, IReadOnlyDictionary{string, string}, IEnumerable{string}, string)"/> does, from this process's environment.</summary>
    /// <param name="commandLine">The build's arguments, name → value.</param>
    /// <param name="engineArguments">Arguments the build engine itself understands.</param>
    /// <param name="workingDirectory">Where the root search starts when <see cref="RootDirectory"/> is not set.</param>
    public ReleaseOptions Resolve(IReadOnlyDictionary<string, string> commandLine, IEnumerable<string> engineArguments, string workingDirectory) =>
        Resolve(commandLine, Diagnostics.EnvironmentVariables.Read(), engineArguments, workingDirectory);

    /// <summary>
    /// Every parameter resolved with the documented precedence (command line &gt; RELEASETARGETS_* environment &gt;
    /// parameters file &gt; these defaults &gt; built-in defaults), relative paths against the root; one exception lists every bad value.
    /// </summary>
    /// <param name="engineArguments">Arguments the build engine itself understands.</param>
    /// <param name="workingDirectory">Where the root search starts when <see cref="RootDirectory"/> is not set.</param>
    public ReleaseOptions Resolve(IReadOnlyDictionary<string, string> commandLine, IReadOnlyDictionary<string, string> environment, IEnumerable<string> engineArguments, string workingDirectory)
    {
        var root = Path.GetFullPath(RootDirectory ?? FindRoot(workingDirectory));
        return ReleaseParameters.Resolve(
            commandLine,
            environment,
            Path.Combine(root, ParametersFile),
            engineArguments.Concat(BuildArguments),
            Defaults.ToDictionary(d => d.Key, d => d.Value),
            rootDirectory: root);
    }
}
