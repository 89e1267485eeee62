using System.Collections;

namespace ReleaseTargets.Diagnostics;

/// <summary>Reads the process environment once into a dictionary, so everything downstream is testable with a plain one.</summary>
internal static class EnvironmentVariables
{
    public static IReadOnlyDictionary<string, string> Read() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Where(e => e.Value is string)
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
}
