namespace ReleaseTargets.Credentials;

/// <summary>
/// Collects the settings a credential source needs and every one that is missing, so that a user gets a
/// single line naming all of them rather than discovering them one failed run at a time.
/// </summary>
internal sealed class CredentialSettings(CredentialSource source, Func<string, string?> environment)
{
    private readonly List<(List<string> Names, string? Hint)> _missingGroups = [];
    private List<string> _currentGroup = [];

    /// <summary>The explicit value when given, else the environment variable; records the variable when neither is set.</summary>
    public string Require(string variable, string? explicitValue = null)
    {
        var value = Optional(variable, explicitValue);
        if (value is null)
        {
            _currentGroup.Add(variable);
        }

        return value ?? string.Empty;
    }

    /// <summary>Records <paramref name="alternatives"/> as one missing requirement when none of them is set.</summary>
    public void RequireAny(params string[] alternatives)
    {
        if (alternatives.All(name => Optional(name) is null))
        {
            _currentGroup.Add(string.Join(" or ", alternatives));
        }
    }

    public string? Optional(string variable, string? explicitValue = null)
    {
        var value = string.IsNullOrWhiteSpace(explicitValue) ? environment(variable) : explicitValue;
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Closes the requirements asked for since the last call; <paramref name="hint"/> says how to provide them.</summary>
    public void EndGroup(string? hint = null)
    {
        if (_currentGroup.Count > 0)
        {
            _missingGroups.Add((_currentGroup, hint));
        }

        _currentGroup = [];
    }

    public void ThrowIfMissing()
    {
        EndGroup();
        if (_missingGroups.Count == 0)
        {
            return;
        }

        var groups = _missingGroups.Select(g => string.Join(", ", g.Names) + (g.Hint is null ? string.Empty : $" ({g.Hint})"));
        throw new ReleaseTargetsException($"Credential '{source}' needs {string.Join(" and ", groups)}.");
    }
}
