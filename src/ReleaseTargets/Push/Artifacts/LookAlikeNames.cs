using System.Text;

namespace ReleaseTargets.Push.Artifacts;

/// <summary>
/// Names that are valid and published as they are, but that a person (or a tool that trims, normalizes or folds case)
/// takes for another: a segment ending in a space, two names equal after Unicode NFC normalization (<c>café</c> composed
/// and decomposed), two names equal ignoring case. They become distinct blobs, so they are warned about, not refused.
/// </summary>
internal static class LookAlikeNames
{
    /// <summary>The report's former place: a root-level file of this name is most likely an old report, not an artifact.</summary>
    private const string FormerReportName = "push-report.json";

    public static IReadOnlyList<string> Warnings(IReadOnlyList<string> relativePaths)
    {
        var warnings = new List<string>();
        foreach (var name in relativePaths)
        {
            if (name.Split('/').FirstOrDefault(s => s.Length > 0 && char.IsWhiteSpace(s[^1])) is { } segment)
            {
                warnings.Add($"'{name}' is published with a path segment ending in a space ('{segment}'); tools that trim names show it as '{segment.TrimEnd()}'. Rename it if that was not meant.");
            }

            if (name.Equals(FormerReportName, StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"'{name}' is published as an artifact. The push no longer writes its report into ArtifactsDirectory (it is now in --state-directory): if this is an old report, delete it or exclude it with --artifacts=\"…;!{name}\".");
            }
        }

        var normalized = relativePaths.GroupBy(n => n.Normalize(NormalizationForm.FormC), StringComparer.Ordinal).ToList();
        foreach (var twins in normalized.Where(g => g.Count() > 1))
        {
            warnings.Add($"{Quoted(twins)} are the same name after Unicode normalization (NFC) but are published as {twins.Count()} different blobs; rename all but one if that was not meant.");
        }

        foreach (var twins in normalized.GroupBy(g => g.Key, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            warnings.Add($"{Quoted(twins.SelectMany(g => g))} differ only in case and are published as different blobs; a case-insensitive file system keeps only one of them when the release is downloaded.");
        }

        return warnings;
    }

    private static string Quoted(IEnumerable<string> names) => string.Join(" and ", names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
}
