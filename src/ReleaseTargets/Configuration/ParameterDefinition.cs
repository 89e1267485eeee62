namespace ReleaseTargets.Configuration;

/// <summary>One parameter: its name, what it means, its default as text, and how a value is applied.</summary>
public sealed record ParameterDefinition(
    string Name,
    string Description,
    string DefaultText,
    Func<ReleaseOptions, string, string?> Apply)
{
    /// <summary>Command-line spelling: <c>--storage-url</c>.</summary>
    public string CommandLineName => "--" + string.Concat(Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Environment spelling: <c>RELEASETARGETS_STORAGE_URL</c>.</summary>
    public string EnvironmentName => ReleaseParameters.EnvironmentPrefix + CommandLineName[2..].Replace('-', '_').ToUpperInvariant();

    /// <summary>Names compare case-insensitively and ignore '-' and '_', as NUKE does.</summary>
    public static string Normalize(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
