using Cake.Core;
using Cake.Core.Annotations;
using ReleaseTargets.Composition;

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
    /// the build's defaults &gt; built-in defaults) and creates the release. Fails with one message listing every bad value.
    /// </summary>
    [CakeMethodAlias]
    public static ReleaseBuild ReleaseTargetsRun(this ICakeContext context, ReleaseTargetsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);

        var commandLine = context.Arguments.GetArguments()
            .ToDictionary(a => a.Key, a => a.Value.LastOrDefault() ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        // Cake runs in the script's folder; relative paths mean the repository root, as in NUKE.
        var options = settings.Resolve(commandLine, CakeArguments, context.Environment.WorkingDirectory.FullPath);
        return ReleaseBuild.FromOptions(options, new CakeReleaseLog(context.Log));
    }
}
