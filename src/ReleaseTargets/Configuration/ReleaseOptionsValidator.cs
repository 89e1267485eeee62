using System.Net;
using System.Text.RegularExpressions;

namespace ReleaseTargets.Configuration;

/// <summary>Checks a whole <see cref="ReleaseOptions"/> once and returns every problem, each naming the parameter and the fix.</summary>
public static partial class ReleaseOptionsValidator
{
    public static IReadOnlyList<string> Validate(ReleaseOptions options)
    {
        var problems = new List<string>();

        if (options.StorageUrl is { } url)
        {
            if (!string.IsNullOrEmpty(url.Query))
            {
                // A SAS or anything else in the query would be signed over or leaked; credentials are minted by RefreshCredentials.
                problems.Add("StorageUrl must not carry a query string (a SAS in the URL is not used: RefreshCredentials mints its own); pass only https://<account>.blob.core.windows.net.");
            }

            if (url.Scheme != Uri.UriSchemeHttps && !IsLoopback(url))
            {
                problems.Add($"StorageUrl '{url.GetLeftPart(UriPartial.Authority)}' must use https (user-delegation SAS is HTTPS-only).");
            }
        }

        if (!IsValidContainerName(options.Container))
        {
            problems.Add($"Container '{options.Container}' is not a valid Azure container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (e.g. --container=releases).");
        }

        if (string.IsNullOrWhiteSpace(options.ReleaseVersion))
        {
            problems.Add("ReleaseVersion is empty: pass --release-version=1.2.3 (or set it in the build's configuration call).");
        }
        else if (!VersionPattern().IsMatch(options.ReleaseVersion) || options.ReleaseVersion.Contains("..", StringComparison.Ordinal))
        {
            problems.Add($"ReleaseVersion '{options.ReleaseVersion}' may hold only letters, digits, '.', '-', '+' and '_' (it becomes the blob prefix).");
        }

        if (string.IsNullOrWhiteSpace(options.ArtifactsDirectory))
        {
            problems.Add("ArtifactsDirectory is empty: pass --artifacts-directory=<folder the Build stage writes to>.");
        }

        if (string.IsNullOrWhiteSpace(options.Artifacts) || options.Artifacts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length == 0)
        {
            problems.Add("Artifacts is empty: pass --artifacts=\"**/*.nupkg\" (semicolon-separated globs).");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            problems.Add($"RetryMaxDelay '{ParameterValues.Format(options.RetryMaxDelay)}' is shorter than RetryBaseDelay '{ParameterValues.Format(options.RetryBaseDelay)}'; raise --retry-max-delay.");
        }

        return problems;
    }

    public static bool IsValidContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 } && ContainerPattern().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,199}$")]
    private static partial Regex VersionPattern();
}
