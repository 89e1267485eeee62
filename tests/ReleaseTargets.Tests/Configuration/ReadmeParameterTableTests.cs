using System.Text.RegularExpressions;
using ReleaseTargets.Configuration;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Configuration;

/// <summary>The README's Parameters table is a promise: one row per parameter, spelt as the tool reads it, with its default.</summary>
public sealed partial class ReadmeParameterTableTests
{
    [Fact]
    public void Readme_ListsEveryParameter_WithItsSpellingsAndDefault()
    {
        var rows = ParameterRow().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md")))
            .ToDictionary(m => m.Groups["name"].Value, m => (Spellings: m.Groups["spellings"].Value, Default: m.Groups["default"].Value));

        foreach (var parameter in ReleaseParameters.All)
        {
            Assert.True(rows.TryGetValue(parameter.Name, out var row), $"README's Parameters table has no row for {parameter.Name}.");
            Assert.Equal($"`{parameter.CommandLineName}` / `{parameter.EnvironmentName}`", row.Spellings);
            Assert.Contains(parameter.DefaultText.Trim('(', ')').Split(':')[0], row.Default, StringComparison.Ordinal);
        }

        Assert.Empty(rows.Keys.Except(ReleaseParameters.All.Select(p => p.Name)));
    }

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z]+)` \| (?<spellings>`--[^|]+) \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex ParameterRow();
}
