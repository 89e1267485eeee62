using Cake.Core;
using Cake.Core.Annotations;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Cake;

/// <summary>Cake aliases for ReleaseTargets. Thin: resolve parameters, hand over to the core.</summary>
[CakeAliasCategory("ReleaseTargets")]
public static class ReleaseTargetsAliases
{
    /// <summary>Arguments Cake itself understands; never reported as unknown parameters.</summary>
    private static readonly string[] CakeArguments =
    [
        "target", "verbosity", "v", "debug", "d", "dryrun", "noop", "whatif", "exclusive", "e", "description", "showdescription",
        "tree", "showtree", "bootstrap", "skip-bootstrap", "version", "info", "help", "h", "paths", "working", "w",
    ];

    /// <summary>
    /// Resolves every ReleaseTargets parameter (command line &gt; RELEASETARGETS_* environment &gt; parameters file &gt;
    /// the build's defaults &gt; built-in defaults) and creates the run. Fails with one message listing every bad value.
    /// </summary>
    [CakeMethodAlias]
    public static ReleaseRun ReleaseTargetsRun(this ICakeContext context, ReleaseTargetsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);

        var commandLine = context.Arguments.GetArguments()
            .ToDictionary(a => a.Key, a => a.Value.LastOrDefault() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        var environment = EnvironmentVariables.Read();
        var root = settings.RootDirectory ?? FindRoot(context.Environment.WorkingDirectory.FullPath);
        var parametersFile = Path.Combine(root, settings.ParametersFile);
        var options = ReleaseParameters.Resolve(
            commandLine,
            environment,
            parametersFile,
            CakeArguments.Concat(settings.BuildArguments),
            settings.Defaults.ToDictionary(d => d.Key, d => d.Value),
            rootDirectory: root); // Cake runs in the script's folder; relative paths mean the repository root, as in NUKE.
        return new ReleaseRun(options, new CakeReleaseLog(context.Log), TimeProvider.System, environment);
    }

    /// <summary>The repository root: the nearest folder upwards holding <c>.nuke/</c>, else the working directory.</summary>
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
}
