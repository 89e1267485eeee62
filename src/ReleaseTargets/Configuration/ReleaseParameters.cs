using System.Globalization;
using System.Text.Json;
using ReleaseTargets.Credentials;

namespace ReleaseTargets.Configuration;

/// <summary>
/// The parameter table and its resolution: command line &gt; environment (<c>RELEASETARGETS_*</c>) &gt;
/// <c>.nuke/parameters.json</c> &gt; built-in default. Every problem is reported at once, before anything runs.
/// </summary>
internal static class ReleaseParameters
{
    public const string EnvironmentPrefix = "RELEASETARGETS_";

    /// <summary>Secrets read from the environment only (never a parameter: a password on a command line ends up in logs).</summary>
    public static readonly IReadOnlySet<string> SecretEnvironmentNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "RELEASETARGETS_REGISTRY_USERNAME",
        "RELEASETARGETS_REGISTRY_PASSWORD",
    };

    public static IReadOnlyList<ParameterDefinition> All { get; } =
    [
        new("StorageUrl", "Blob service endpoint, https://account.blob.core.windows.net (no query string). Empty: start a local Azurite.", "(empty: local Azurite)",
            (o, v) => ApplyStorageUrl(o, v)),
        new("Container", "Release container (created when missing if CreateContainer).", ReleaseDefaults.Container, (o, v) => Set(() => o.Container = v.Trim())),
        new("ReleaseVersion", "Version being released; the blob prefix of the release.", "(set by the build)", (o, v) => Set(() => o.ReleaseVersion = v.Trim())),
        new("ArtifactsDirectory", "Folder the Build stage leaves artifacts in.", ReleaseDefaults.ArtifactsDirectory, (o, v) => Set(() => o.ArtifactsDirectory = v)),
        new("Artifacts", "Semicolon-separated globs of files to push, relative to ArtifactsDirectory.", ReleaseDefaults.Artifacts, (o, v) => Set(() => o.Artifacts = v)),
        new("Credential", "Token source for a real account: " + string.Join(", ", Enum.GetNames<CredentialSource>()) + ".", nameof(CredentialSource.Default),
            (o, v) => Enum.TryParse<CredentialSource>(v, ignoreCase: true, out var source) && Enum.IsDefined(source)
                ? Set(() => o.Credential = source)
                : $"--credential '{v}' is not one of {string.Join(", ", Enum.GetNames<CredentialSource>())}."),
        new("CreateContainer", "Create the container when it is missing.", "true", (o, v) => ParameterValues.Bool("CreateContainer", v, b => o.CreateContainer = b)),
        new("StateDirectory", "Local state: stage history, emulator data, push-report.json. Never published.", ReleaseDefaults.StateDirectory, (o, v) => Set(() => o.StateDirectory = v)),
        new("BlockSizeMiB", "Block size in MiB for staged uploads, 1 to 1024 (each block in flight is buffered in memory).", ReleaseDefaults.BlockSizeMiB.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParameterValues.Int("BlockSizeMiB", v, ReleaseOptionsValidator.BlockSizeMiB, i => o.BlockSizeMiB = i)),
        new("Concurrency", "Blocks in flight at once across all files (block buffers ≤ Concurrency × BlockSizeMiB).", ReleaseDefaults.Concurrency.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParameterValues.Int("Concurrency", v, ReleaseOptionsValidator.Concurrency, i => o.Concurrency = i)),
        new("MaxRetries", "Retries per request for transient faults (the SDK's own retries are off).", ReleaseDefaults.MaxRetries.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParameterValues.Int("MaxRetries", v, ReleaseOptionsValidator.MaxRetries, i => o.MaxRetries = i)),
        new("RetryBaseDelay", "First backoff delay; doubles each retry, with jitter.", "0.8s",
            (o, v) => ParameterValues.Duration("RetryBaseDelay", v, ReleaseOptionsValidator.RetryBaseDelay, t => o.RetryBaseDelay = t)),
        new("RetryMaxDelay", "Longest computed backoff delay.", "30s",
            (o, v) => ParameterValues.Duration("RetryMaxDelay", v, ReleaseOptionsValidator.RetryMaxDelay, t => o.RetryMaxDelay = t)),
        new("RetryAfterCap", "Longest Retry-After / x-ms-retry-after-ms honoured; longer fails clearly.", "60s",
            (o, v) => ParameterValues.Duration("RetryAfterCap", v, ReleaseOptionsValidator.RetryAfterCap, t => o.RetryAfterCap = t)),
        new("PerTryTimeout", "Time one try of one request may take before it is cancelled and retried.", "100s",
            (o, v) => ParameterValues.Duration("PerTryTimeout", v, ReleaseOptionsValidator.PerTryTimeout, t => o.PerTryTimeout = t)),
        new("ResponseTimeout", "Longest silence within one try (no body moving, no response headers) before the endpoint counts as unresponsive; retried at most twice.", "30s",
            (o, v) => ParameterValues.Duration("ResponseTimeout", v, ReleaseOptionsValidator.ResponseTimeout, t => o.ResponseTimeout = t)),
        new("MaxCredentialRenewals", "SAS renewals allowed after a 403 that means the SAS expired.", ReleaseDefaults.MaxCredentialRenewals.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParameterValues.Int("MaxCredentialRenewals", v, ReleaseOptionsValidator.MaxCredentialRenewals, i => o.MaxCredentialRenewals = i)),
        new("HistoryLength", "Runs kept per stage in the timing history.", ReleaseDefaults.HistoryLength.ToString(CultureInfo.InvariantCulture),
            (o, v) => ParameterValues.Int("HistoryLength", v, ReleaseOptionsValidator.HistoryLength, i => o.HistoryLength = i)),
        new("ProgressInterval", "How often push progress is printed; 0 prints none.", "5s",
            (o, v) => ParameterValues.Duration("ProgressInterval", v, ReleaseOptionsValidator.ProgressInterval, t => o.ProgressInterval = t)),
        new("SasLifetime", "Fixed lifetime of the first SAS, without skew margin (incident replays and tests); renewals are still sized by the policy.", "(empty: sized from history)",
            (o, v) => v.Length == 0 ? Set(() => o.SasLifetime = null) : ParameterValues.Duration("SasLifetime", v, ReleaseOptionsValidator.SasLifetime, t => o.SasLifetime = t)),
        new("Registry", "Container registry for the OCI image layouts in ArtifactsDirectory: host[:port] or https://host (http only on loopback). Empty: a local docker-registry.", "(empty: local docker-registry)",
            (o, v) => ApplyRegistry(o, v)),
        new("Repository", "Repository of a single image layout; with several, <Repository>/<folder>. Empty: the layout folder's name.", "(empty: folder name)", (o, v) => Set(() => o.Repository = v.Trim())),
        new("ImageTags", "Semicolon-separated tags every image gets, each written after everything it names.", "(empty: the release version)", (o, v) => Set(() => o.ImageTags = v.Trim())),
        new("RegistryMountFrom", "Repository of the same registry to mount existing blobs from (cross-repository mount).", "(empty: none)", (o, v) => Set(() => o.RegistryMountFrom = v.Trim())),
        new("RegistryUploadHosts", "Comma-separated host[:port] list of other hosts the registry may send uploads to (its Location); they never get credentials.", "(empty: the registry's own host only)",
            (o, v) => Set(() => o.RegistryUploadHosts = v.Trim())),
        new("ArtifactRepository", "Also push the release's files as one OCI artifact (oras-style) to this repository of the registry, with the image tags.", "(empty: files go to storage only)", (o, v) => Set(() => o.ArtifactRepository = v.Trim())),
        new("Shard", "This agent's shard of a sharded release: Push records the shard instead of writing the manifest; Seal writes it.", "(empty: not sharded)",
            (o, v) => Set(() => o.Shard = v.Trim().Length == 0 ? null : v.Trim())),
        new("Shards", "For Seal: the comma-separated shard names to wait for.", "(empty)", (o, v) => Set(() => o.Shards = v.Trim().Length == 0 ? null : v.Trim())),
        new("ShardCount", "For Seal: the shards are named 1 to N.", "0",
            (o, v) => ParameterValues.Int("ShardCount", v, ReleaseOptionsValidator.ShardCount, i => o.ShardCount = i)),
        new("SealTimeout", "How long Seal waits for every shard record before failing naming the missing ones.", "30m",
            (o, v) => ParameterValues.Duration("SealTimeout", v, ReleaseOptionsValidator.SealTimeout, t => o.SealTimeout = t)),
        new("Download", "For Verify: also download every byte and check MD5 and SHA-256 against the manifest.", "false", (o, v) => ParameterValues.Bool("Download", v, b => o.Download = b)),
        new("To", "For Fetch: the folder the release is downloaded into (created when missing); files appear only whole and verified.", "(empty: Fetch needs it)", (o, v) => Set(() => o.FetchDirectory = v)),
        new("DisableProactiveRenewal", "Only renew the SAS after a 403, never ahead of expiry.", "false", (o, v) => ParameterValues.Bool("DisableProactiveRenewal", v, b => o.DisableProactiveRenewal = b)),
    ];

    /// <summary>Resolves options from the three sources over the defaults. Throws <see cref="ReleaseConfigurationException"/> listing every problem.</summary>
    /// <param name="commandLine">Arguments as the build engine parsed them (name → value; flags have an empty value).</param>
    /// <param name="environment">Environment variables.</param>
    /// <param name="parametersFile">Path of <c>.nuke/parameters.json</c>; a missing file is fine.</param>
    /// <param name="otherKnownNames">Arguments that belong to the build engine or the user's build, not to ReleaseTargets.</param>
    /// <param name="buildDefaults">Defaults the build supplies in its configuration call (lowest precedence after the built-in ones).</param>
    /// <param name="rootDirectory">Folder relative paths (ArtifactsDirectory, StateDirectory) mean, as in NUKE the repository root. Default: the current directory.</param>
    /// <returns>Validated options whose paths are absolute.</returns>
    public static ReleaseOptions Resolve(
        IReadOnlyDictionary<string, string> commandLine,
        IReadOnlyDictionary<string, string> environment,
        string? parametersFile,
        IEnumerable<string> otherKnownNames,
        IReadOnlyDictionary<string, string>? buildDefaults = null,
        string? rootDirectory = null)
    {
        var options = new ReleaseOptions();
        var problems = new List<string>();
        var byName = All.ToDictionary(p => ParameterDefinition.Normalize(p.Name));
        var others = otherKnownNames.Select(ParameterDefinition.Normalize).ToHashSet();

        var values = new Dictionary<string, (string Value, string Origin)>();
        foreach (var (name, value) in buildDefaults ?? new Dictionary<string, string>())
        {
            var key = ParameterDefinition.Normalize(name);
            if (byName.ContainsKey(key))
            {
                values[key] = (value, "the build's configuration");
            }
            else
            {
                problems.Add($"Unknown parameter '{name}' in the build's ReleaseTargets configuration. Known parameters: {KnownList()}.");
            }
        }

        foreach (var (name, value) in ReadParametersFile(parametersFile, problems))
        {
            var key = ParameterDefinition.Normalize(name);
            if (byName.ContainsKey(key))
            {
                values[key] = (value, parametersFile!);
            }
            else if (!others.Contains(key) && !name.StartsWith('$'))
            {
                problems.Add($"Unknown parameter '{name}' in {parametersFile}. Known parameters: {KnownList()}.");
            }
        }

        foreach (var (name, value) in environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && !SecretEnvironmentNames.Contains(name))
            {
                var key = ParameterDefinition.Normalize(name[EnvironmentPrefix.Length..]);
                if (byName.ContainsKey(key))
                {
                    values[key] = (value, "environment variable " + name);
                }
                else
                {
                    problems.Add($"Unknown parameter in environment variable '{name}'. Known parameters: {KnownList()}.");
                }
            }
        }

        foreach (var (name, value) in commandLine)
        {
            var key = ParameterDefinition.Normalize(name);
            if (byName.ContainsKey(key))
            {
                values[key] = (value, "command line");
            }
            else if (!others.Contains(key))
            {
                problems.Add($"Unknown parameter '--{name}'. Known parameters: {KnownList()}.");
            }
        }

        foreach (var (key, (value, origin)) in values)
        {
            if (byName[key].Apply(options, value) is { } problem)
            {
                problems.Add($"{problem} (from {origin})");
            }
        }

        options = options.WithPathsResolved(rootDirectory ?? Directory.GetCurrentDirectory());
        problems.AddRange(ReleaseOptionsValidator.Validate(options));
        if (problems.Count > 0)
        {
            throw new ReleaseConfigurationException(problems);
        }

        return options;
    }

    private static string KnownList() => string.Join(", ", All.Select(p => p.CommandLineName));

    private static string? Set(Action apply)
    {
        apply();
        return null;
    }

    private static string? ApplyStorageUrl(ReleaseOptions options, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            options.StorageUrl = null;
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            // Echo only what comes before a query: a SAS pasted here must not reach the message.
            var shown = value.Split('?', '#')[0].Trim();
            return $"--storage-url '{shown}' is not an absolute URL: write https://<account>.blob.core.windows.net, or leave it empty to use a local Azurite.";
        }

        // The scheme, query and user info are checked by the validator, for options set in code too.
        options.StorageUrl = uri;
        return null;
    }

    private static string? ApplyRegistry(ReleaseOptions options, string value)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            options.Registry = null;
            return null;
        }

        // "ghcr.io" or "127.0.0.1:5000" as docker writes them mean https.
        var text = trimmed.Contains("://", StringComparison.Ordinal) ? trimmed : "https://" + trimmed;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            return $"--registry '{trimmed.Split('?', '#', '@')[^1]}' is not a registry address: write ghcr.io, myregistry.azurecr.io or https://host:port, or leave it empty to use a local docker-registry.";
        }

        // Scheme, path, query and user info are checked by the validator, for options set in code too.
        options.Registry = uri;
        return null;
    }

    private static IEnumerable<(string Name, string Value)> ReadParametersFile(string? path, List<string> problems)
    {
        if (path is null || !File.Exists(path))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path} must hold one JSON object of parameter names and values.");
                return [];
            }

            return document.RootElement.EnumerateObject()
                .Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException exception)
        {
            problems.Add($"{path} is not valid JSON ({exception.Message}); fix or delete it.");
            return [];
        }
    }
}
