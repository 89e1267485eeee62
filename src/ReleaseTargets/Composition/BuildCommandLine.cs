using ReleaseTargets.Configuration;

namespace ReleaseTargets.Composition;

/// <summary>
/// A code-first build's own arguments, read as <c>./build.sh</c> reads them: the first bare argument (or <c>--target=</c>)
/// is the target, <c>--name=value</c> sets a parameter, a lone <c>--flag</c> has an empty value.
/// </summary>
internal sealed record BuildCommandLine(string? Target, IReadOnlyDictionary<string, string> Parameters)
{
    public static BuildCommandLine Parse(IReadOnlyList<string> args)
    {
        string? target = null;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var arg in args)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                target ??= arg;
                continue;
            }

            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0)
            {
                parameters[arg[2..separator]] = arg[(separator + 1)..];
            }
            else
            {
                parameters[arg[2..]] = string.Empty;
            }
        }

        if (parameters.Remove("target", out var named) && named.Length > 0)
        {
            target = named;
        }

        return new BuildCommandLine(target, parameters);
    }

    /// <summary>
    /// Names that belong to the build itself: every one that is not a ReleaseTargets parameter and not within two edits of
    /// one (<c>--contaner</c> is a typo to report, <c>--configuration</c> is the build's own).
    /// </summary>
    public IEnumerable<string> OwnedByTheBuild()
    {
        var known = ReleaseParameters.All.Select(p => ParameterDefinition.Normalize(p.Name)).ToList();
        return Parameters.Keys.Where(name =>
        {
            var key = ParameterDefinition.Normalize(name);
            return !known.Contains(key) && !known.Any(k => Distance(k, key) <= 2);
        });
    }

    /// <summary>Edits (insert, delete, substitute) from <paramref name="a"/> to <paramref name="b"/>.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
