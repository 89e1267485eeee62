namespace ReleaseTargets.Configuration;

/// <summary>One parameter: its name, what it means, its default as text, and how a value is applied.</summary>
internal sealed record ParameterDefinition(
    string Name,
    string Description,
    string DefaultText,
    Func<ReleaseOptions, string, string?> Apply)
{
    /// <summary>Command-line spelling: <c>--storage-url</c>.</summary>
    public string CommandLineName => CommandLineNameOf(Name);

    /// <summary>Environment spelling: <c>RELEASETARGETS_STORAGE_URL</c>.</summary>
    public string EnvironmentName => ReleaseParameters.EnvironmentPrefix + CommandLineName[2..].Replace('-', '_').ToUpperInvariant();

    /// <summary>Command-line spelling of a parameter name: <c>BlockSizeMiB</c> → <c>--block-size-mi-b</c>. Messages name parameters this way.</summary>
    public static string CommandLineNameOf(string name) =>
        "--" + string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Names compare case-insensitively and ignore '-' and '_', as NUKE does.</summary>
    public static string Normalize(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
