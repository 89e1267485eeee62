using System.Globalization;
using System.Text.RegularExpressions;
using ReleaseTargets.Credentials;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Configuration;

/// <summary>
/// Checks a whole <see cref="ReleaseOptions"/> once and returns every problem, each naming the parameter as typed
/// (<c>--block-size-mi-b</c>) and the fix. The one owner of the accepted ranges: parsing and the public API use the same.
/// </summary>
internal static partial class ReleaseOptionsValidator
{
    internal static readonly IntRange BlockSizeMiB = new(
        BlockLimits.MinBlockSizeMiB,
        BlockLimits.MaxBlockSizeMiB,
        $"each block is buffered in memory, up to --concurrency blocks at once, so this tool allows at most {BlockLimits.MaxBlockSizeMiB} MiB (the service itself allows {BlockLimits.ServiceMaxBlockSizeMiB} MiB).");

    internal static readonly IntRange Concurrency = new(1, 64);
    internal static readonly IntRange MaxRetries = new(0, 50);
    internal static readonly IntRange MaxCredentialRenewals = new(0, 100);
    internal static readonly IntRange HistoryLength = new(1, 1000);
    internal static readonly DurationRange RetryBaseDelay = new(TimeSpan.Zero, TimeSpan.FromMinutes(5));
    internal static readonly DurationRange RetryMaxDelay = new(TimeSpan.Zero, TimeSpan.FromMinutes(30));
    internal static readonly DurationRange RetryAfterCap = new(TimeSpan.Zero, TimeSpan.FromHours(1));
    internal static readonly DurationRange PerTryTimeout = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    internal static readonly DurationRange ResponseTimeout = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    internal static readonly DurationRange ProgressInterval = new(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), ZeroMeans: "no progress lines");
    internal static readonly DurationRange SasLifetime = new(TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
    internal static readonly IntRange ShardCount = new(0, 1000);
    internal static readonly DurationRange SealTimeout = new(TimeSpan.Zero, TimeSpan.FromDays(1));

    public static IReadOnlyList<string> Validate(ReleaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();

        if (options.StorageUrl is { } url)
        {
            problems.AddRange(StorageUrlProblems(url));
        }

        if (!IsValidContainerName(options.Container))
        {
            problems.Add($"--container '{options.Container}' is not a valid Azure container name: use 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (e.g. --container=releases).");
        }

        if (string.IsNullOrWhiteSpace(options.ReleaseVersion))
        {
            problems.Add("--release-version is empty: pass --release-version=1.2.3 (or set it in the build's configuration call).");
        }
        else if (!VersionPattern().IsMatch(options.ReleaseVersion) || options.ReleaseVersion.Contains("..", StringComparison.Ordinal))
        {
            problems.Add($"--release-version '{options.ReleaseVersion}' may hold only letters, digits, '.', '-', '+' and '_', starting with a letter or digit (it becomes the blob prefix, so it can never reach the reserved '_releasetargets/').");
        }
        else if (options.ReleaseVersion.EndsWith('.'))
        {
            // Storage clients drop a trailing dot from a path segment: "1.2./app.zip" could become "1.2/app.zip".
            problems.Add($"--release-version '{options.ReleaseVersion}' may not end with '.': storage clients drop it from the blob path. Use e.g. --release-version=1.2.3.");
        }

        if (string.IsNullOrWhiteSpace(options.ArtifactsDirectory))
        {
            problems.Add("--artifacts-directory is empty: pass --artifacts-directory=<folder the Build stage writes to>.");
        }

        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            problems.Add("--state-directory is empty: pass --state-directory=.nuke/temp (or another folder this build may write to).");
        }

        foreach (var (name, path) in new[] { ("--artifacts-directory", options.ArtifactsDirectory), ("--state-directory", options.StateDirectory), ("--to", options.FetchDirectory) })
        {
            if (path is not null && path.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"{name} contains a NUL character: pass a folder path.");
            }
        }

        var globs = (options.Artifacts ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (globs.Length == 0)
        {
            problems.Add("--artifacts is empty: pass --artifacts=\"**/*.nupkg\" (semicolon-separated globs).");
        }

        problems.AddRange(globs.Select(ArtifactNames.GlobProblem).OfType<string>().Select(p => "--artifacts: " + p));

        if (!Enum.IsDefined(options.Credential))
        {
            problems.Add($"--credential '{options.Credential}' is not one of {string.Join(", ", Enum.GetNames<CredentialSource>())}.");
        }

        Check(problems, nameof(ReleaseOptions.BlockSizeMiB), options.BlockSizeMiB, BlockSizeMiB);
        Check(problems, nameof(ReleaseOptions.Concurrency), options.Concurrency, Concurrency);
        Check(problems, nameof(ReleaseOptions.MaxRetries), options.MaxRetries, MaxRetries);
        Check(problems, nameof(ReleaseOptions.MaxCredentialRenewals), options.MaxCredentialRenewals, MaxCredentialRenewals);
        Check(problems, nameof(ReleaseOptions.HistoryLength), options.HistoryLength, HistoryLength);
        Check(problems, nameof(ReleaseOptions.RetryBaseDelay), options.RetryBaseDelay, RetryBaseDelay);
        Check(problems, nameof(ReleaseOptions.RetryMaxDelay), options.RetryMaxDelay, RetryMaxDelay);
        Check(problems, nameof(ReleaseOptions.RetryAfterCap), options.RetryAfterCap, RetryAfterCap);
        Check(problems, nameof(ReleaseOptions.PerTryTimeout), options.PerTryTimeout, PerTryTimeout);
        Check(problems, nameof(ReleaseOptions.ResponseTimeout), options.ResponseTimeout, ResponseTimeout);
        Check(problems, nameof(ReleaseOptions.ProgressInterval), options.ProgressInterval, ProgressInterval);
        if (options.SasLifetime is { } lifetime)
        {
            Check(problems, nameof(ReleaseOptions.SasLifetime), lifetime, SasLifetime);
        }

        problems.AddRange(ShardProblems(options));
        Check(problems, nameof(ReleaseOptions.SealTimeout), options.SealTimeout, SealTimeout);

        problems.AddRange(options.Forecast?.Problems() ?? ["ReleaseOptions.Forecast is null: leave it at its default or set a ForecastOptions."]);
        problems.AddRange(options.SasLimits?.Problems() ?? ["ReleaseOptions.SasLimits is null: leave it at its default or set a SasLifetimeOptions."]);

        problems.AddRange(RegistryProblems(options));

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            problems.Add($"--retry-max-delay '{ParameterValues.Format(options.RetryMaxDelay)}' is shorter than --retry-base-delay '{ParameterValues.Format(options.RetryBaseDelay)}': raise --retry-max-delay or lower --retry-base-delay.");
        }

        return problems;
    }

    /// <summary>Throws one <see cref="ReleaseConfigurationException"/> listing every problem of <paramref name="options"/>, or returns.</summary>
    public static void ThrowIfInvalid(ReleaseOptions options)
    {
        if (Validate(options) is { Count: > 0 } problems)
        {
            throw new ReleaseConfigurationException(problems);
        }
    }

    public static bool IsValidContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 } && ContainerPattern().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> is a valid OCI repository name (<c>team/app</c>).</summary>
    public static bool IsValidRepository(string? name) => name is { Length: > 0 and <= 255 } && RepositoryPattern().IsMatch(name);

    /// <summary>The URL without anything secret it may carry (user info, query, fragment), for messages.</summary>
    internal static string Shown(Uri url) => $"{url.Scheme}://{url.Authority}{(url.AbsolutePath == "/" ? "" : url.AbsolutePath)}";

    private static IEnumerable<string> StorageUrlProblems(Uri url)
    {
        // A SAS, key or password in the URL would be a secret on the command line, in the environment and in logs;
        // RefreshCredentials mints the SAS itself from the identity --credential picks.
        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            yield return "--storage-url must not carry a query string (a SAS or any other secret does not belong there): pass only https://<account>.blob.core.windows.net and choose the identity with --credential; RefreshCredentials mints the SAS itself.";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            yield return "--storage-url must not carry a user name or password: pass only https://<account>.blob.core.windows.net and choose the identity with --credential.";
        }

        if (url.Scheme != Uri.UriSchemeHttps)
        {
            yield return $"--storage-url '{Shown(url)}' must use https: the token and the SAS are only sent over HTTPS. Write https://<account>.blob.core.windows.net, or leave --storage-url empty to use a local Azurite.";
        }
    }

    private static IEnumerable<string> RegistryProblems(ReleaseOptions options)
    {
        if (options.Registry is { } registry)
        {
            if (!string.IsNullOrEmpty(registry.UserInfo) || !string.IsNullOrEmpty(registry.Query) || !string.IsNullOrEmpty(registry.Fragment) || registry.AbsolutePath != "/")
            {
                yield return $"--registry '{registry.Authority}' must be only a host and port (no user, password, path or query): set the credentials in RELEASETARGETS_REGISTRY_USERNAME / RELEASETARGETS_REGISTRY_PASSWORD and the repository with --repository.";
            }

            if (registry.Scheme != Uri.UriSchemeHttps && !(registry.Scheme == Uri.UriSchemeHttp && registry.IsLoopback))
            {
                yield return $"--registry '{registry.Scheme}://{registry.Authority}' must use https: credentials and tokens are only sent over HTTPS (plain http is allowed on loopback only).";
            }
        }

        foreach (var (name, repository) in new[] { ("--repository", options.Repository), ("--registry-mount-from", options.RegistryMountFrom), ("--artifact-repository", options.ArtifactRepository) })
        {
            if (!string.IsNullOrEmpty(repository) && (repository.Length > 255 || !RepositoryPattern().IsMatch(repository)))
            {
                yield return $"{name} '{repository}' is not a repository name: lowercase letters and digits separated by '.', '_', '__', '-' or '/' (e.g. {name}=team/app).";
            }
        }

        foreach (var problem in Registry.Auth.RegistryHostPolicy.Problems(options.RegistryUploadHosts))
        {
            yield return problem;
        }

        if (!string.IsNullOrEmpty(options.RegistryMountFrom) && options.RegistryMountFrom == options.Repository)
        {
            yield return $"--registry-mount-from '{options.RegistryMountFrom}' is the repository being pushed to: name another repository of the same registry, or leave it empty.";
        }

        foreach (var tag in (options.ImageTags ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TagPattern().IsMatch(tag))
            {
                yield return $"--image-tags: '{tag}' is not a tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (e.g. --image-tags=\"1.4.2;latest\").";
            }
        }
    }

    /// <summary>
    /// A shard name becomes a blob name (<c>&lt;version&gt;/_shards/&lt;shard&gt;.json</c>) and a stage name, so it follows the
    /// version's rules (no '/', so it can never reach another folder).
    /// </summary>
    private static IEnumerable<string> ShardProblems(ReleaseOptions options)
    {
        if (options.Shard is { } shard && NameProblem(shard) is { } problem)
        {
            yield return $"--shard '{shard}' {problem} (e.g. --shard=linux-x64).";
        }

        var listed = (options.Shards ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
        if (!string.IsNullOrWhiteSpace(options.Shards))
        {
            foreach (var name in listed)
            {
                if (NameProblem(name) is { } listProblem)
                {
                    yield return $"--shards: '{name}' {listProblem}; write the names comma-separated (e.g. --shards=linux,windows,macos).";
                }
            }

            foreach (var duplicate in listed.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                yield return $"--shards names '{duplicate.Key}' more than once: list each shard once.";
            }

            if (options.ShardCount != 0)
            {
                yield return $"--shards and --shard-count '{options.ShardCount}' are both set: pass one of them (--shard-count=N means shards named 1 to N).";
            }
        }

        if (!ShardCount.Contains(options.ShardCount))
        {
            yield return ShardCount.Problem(nameof(ReleaseOptions.ShardCount), options.ShardCount.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string? NameProblem(string name) =>
        name.Length == 0 ? "is empty"
        : !VersionPattern().IsMatch(name) || name.Contains("..", StringComparison.Ordinal) ? "may hold only letters, digits, '.', '-', '+' and '_', starting with a letter or digit (it becomes a blob name)"
        : name.EndsWith('.') ? "may not end with '.' (storage clients drop it from the blob path)"
        : name.Length > 64 ? "is longer than 64 characters"
        : null;

    private static void Check(List<string> problems, string name, int value, IntRange range)
    {
        if (!range.Contains(value))
        {
            problems.Add(range.Problem(name, value.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void Check(List<string> problems, string name, TimeSpan value, DurationRange range)
    {
        if (!range.Contains(value))
        {
            problems.Add(range.Problem(name, ParameterValues.Format(value)));
        }
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex ContainerPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,199}$")]
    private static partial Regex VersionPattern();
}
