using ReleaseTargets.Credentials;
using ReleaseTargets.Stages;
using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Configuration;

/// <summary>
/// Everything a release run can be told. Each property is a parameter (see <see cref="ReleaseParameters"/>)
/// settable as <c>--kebab-name=value</c>, <c>RELEASETARGETS_UPPER_NAME</c> or in <c>.nuke/parameters.json</c>.
/// </summary>
public sealed class ReleaseOptions
{
    /// <summary>Blob service endpoint, e.g. https://account.blob.core.windows.net. Default: empty — a local Azurite is started.</summary>
    public Uri? StorageUrl { get; set; }

    /// <summary>Release container. Default: <c>releases</c>.</summary>
    public string Container { get; set; } = ReleaseDefaults.Container;

    /// <summary>The version being released; it is the blob prefix of the release. No built-in default: the build supplies it.</summary>
    public string ReleaseVersion { get; set; } = string.Empty;

    /// <summary>Folder the Build stage leaves artifacts in. Default: <c>artifacts</c>.</summary>
    public string ArtifactsDirectory { get; set; } = ReleaseDefaults.ArtifactsDirectory;

    /// <summary>Semicolon-separated globs under <see cref="ArtifactsDirectory"/>. Default: <c>**/*</c>.</summary>
    public string Artifacts { get; set; } = ReleaseDefaults.Artifacts;

    /// <summary>Where the token comes from against a real account. Default: <see cref="CredentialSource.Default"/> (DefaultAzureCredential).</summary>
    public CredentialSource Credential { get; set; } = CredentialSource.Default;

    /// <summary>Create the container when it is missing. Default: true.</summary>
    public bool CreateContainer { get; set; } = ReleaseDefaults.CreateContainer;

    /// <summary>Local state (stage history, emulator data, the push report <c>push-report.json</c>); never published. Default: <c>.nuke/temp</c>.</summary>
    public string StateDirectory { get; set; } = ReleaseDefaults.StateDirectory;

    /// <summary>Block size in MiB for staged uploads, 1 to 1024 (each block in flight is buffered in memory). Default: 8.</summary>
    public int BlockSizeMiB { get; set; } = ReleaseDefaults.BlockSizeMiB;

    /// <summary>Blocks in flight at once across all files; block buffers are at most this × block size. Default: 16.</summary>
    public int Concurrency { get; set; } = ReleaseDefaults.Concurrency;

    /// <summary>Retries per request for transient faults (the only retry budget: the SDK's own retries are off). Default: 6.</summary>
    public int MaxRetries { get; set; } = ReleaseDefaults.MaxRetries;

    /// <summary>First retry delay; doubles each retry, with jitter. Default: 0.8 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = ReleaseDefaults.RetryBaseDelay;

    /// <summary>Longest computed backoff. Default: 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = ReleaseDefaults.RetryMaxDelay;

    /// <summary>Longest server-requested wait (Retry-After, x-ms-retry-after-ms) honoured; longer fails the request. Default: 60 s.</summary>
    public TimeSpan RetryAfterCap { get; set; } = ReleaseDefaults.RetryAfterCap;

    /// <summary>Time one try of one request may take before it is cancelled and retried. Default: 100 s.</summary>
    public TimeSpan PerTryTimeout { get; set; } = ReleaseDefaults.PerTryTimeout;

    /// <summary>
    /// Longest silence within one try (no request body moving, no response headers) before it is cancelled as an
    /// unresponsive endpoint; retried at most twice. Default: 30 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = ReleaseDefaults.ResponseTimeout;

    /// <summary>SAS renewals allowed after a 403 that means the SAS is no longer valid. Default: 3.</summary>
    public int MaxCredentialRenewals { get; set; } = ReleaseDefaults.MaxCredentialRenewals;

    /// <summary>Push runs kept per stage in the timing history. Default: 20.</summary>
    public int HistoryLength { get; set; } = ReleaseDefaults.HistoryLength;

    /// <summary>How often progress is printed while pushing; zero prints none. Default: 5 s.</summary>
    public TimeSpan ProgressInterval { get; set; } = ReleaseDefaults.ProgressInterval;

    /// <summary>Fixed lifetime of the first SAS, without skew margin (incident replays and tests); renewals are still sized by the policy. Default: empty — sized from history.</summary>
    public TimeSpan? SasLifetime { get; set; }

    /// <summary>Turn off proactive SAS renewal during the push (reactive renewal on 403 still applies). Default: false.</summary>
    public bool DisableProactiveRenewal { get; set; }

    /// <summary>Container registry the image layouts in the artifacts folder are pushed to: <c>host[:port]</c> or <c>https://host</c> (<c>http://</c> only on loopback). Default: empty — a local docker-registry when images are present.</summary>
    public Uri? Registry { get; set; }

    /// <summary>Repository of a single image layout; with several, each goes to <c>&lt;Repository&gt;/&lt;folder&gt;</c>. Default: empty — the layout folder's name.</summary>
    public string Repository { get; set; } = string.Empty;

    /// <summary>Semicolon-separated tags every image gets. Default: empty — the release version ('+' becomes '-').</summary>
    public string ImageTags { get; set; } = string.Empty;

    /// <summary>A repository of the same registry to mount blobs from instead of uploading them. Default: empty — none.</summary>
    public string RegistryMountFrom { get; set; } = string.Empty;

    /// <summary>
    /// Comma-separated hosts (<c>host</c> or <c>host:port</c>) other than the registry's own that its upload <c>Location</c>s may
    /// name; they get the uploads without credentials. Default: empty — a <c>Location</c> on another host fails the push.
    /// </summary>
    public string RegistryUploadHosts { get; set; } = string.Empty;

    /// <summary>When set, the release's files are also pushed as one OCI artifact (as <c>oras push</c> does) to this repository, with the image tags. Default: empty — files go to storage only.</summary>
    public string ArtifactRepository { get; set; } = string.Empty;

    /// <summary>This agent's shard of a sharded release: Push records <c>&lt;version&gt;/_shards/&lt;shard&gt;.json</c> instead of the manifest. Default: empty — the whole release in one push.</summary>
    public string? Shard { get; set; }

    /// <summary>The shards Seal waits for, comma-separated (<c>linux,windows,macos</c>). Default: empty — use <see cref="ShardCount"/>.</summary>
    public string? Shards { get; set; }

    /// <summary>For Seal: the shards are named <c>1</c> to this number. Default: 0 — use <see cref="Shards"/>.</summary>
    public int ShardCount { get; set; }

    /// <summary>How long Seal waits for every shard record before it fails naming the missing ones. Default: 30 min.</summary>
    public TimeSpan SealTimeout { get; set; } = ReleaseDefaults.SealTimeout;

    /// <summary>For Verify: also download every byte and check it against the manifest's MD5 and SHA-256. Default: false — lengths, committed blocks and Content-MD5 only.</summary>
    public bool Download { get; set; }

    /// <summary>For Fetch (<c>--to</c>): the folder the release is downloaded into, created when missing; a file appears there only whole and verified. Default: empty — Fetch needs it.</summary>
    public string FetchDirectory { get; set; } = string.Empty;

    internal bool UsesEmulator => StorageUrl is null;

    /// <summary>
    /// The shards Seal expects: <see cref="Shards"/> in the order given, else <c>1</c>…<see cref="ShardCount"/>; empty when
    /// neither is set. In their canonical (lower-case) form: shard names are compared ignoring case.
    /// </summary>
    internal IReadOnlyList<string> ExpectedShards() =>
        !string.IsNullOrWhiteSpace(Shards)
            ? Shards.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => ReleaseTargets.Push.Publication.ShardName.Canonical(s)).ToList()
            : Enumerable.Range(1, Math.Max(0, ShardCount)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>An independent copy: every property is an immutable value, so changing one copy never changes the other.</summary>
    /// <summary>How the push forecast is computed (safety factor, cold start, percentiles). Code only: not a command-line parameter.</summary>
    public ForecastOptions Forecast { get; set; } = new();

    /// <summary>The SAS window's skew margin and lifetime bounds. Code only: not a command-line parameter.</summary>
    public SasLifetimeOptions SasLimits { get; set; } = new();

    /// <summary>A deep copy: a running release keeps its own settings whatever the caller changes afterwards.</summary>
    public ReleaseOptions Clone()
    {
        var copy = (ReleaseOptions)MemberwiseClone();
        copy.Forecast = Forecast.Clone();
        copy.SasLimits = SasLimits.Clone();
        return copy;
    }

    /// <summary>
    /// A copy whose <see cref="ArtifactsDirectory"/> and <see cref="StateDirectory"/> are absolute, relative ones taken
    /// against <paramref name="root"/>. The one place paths are resolved; empty paths are left for the validator to report.
    /// </summary>
    internal ReleaseOptions WithPathsResolved(string root)
    {
        var copy = Clone();
        copy.ArtifactsDirectory = Resolve(ArtifactsDirectory, root);
        copy.StateDirectory = Resolve(StateDirectory, root);
        copy.FetchDirectory = Resolve(FetchDirectory, root);
        return copy;
    }

    private static string Resolve(string path, string root) =>
        string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal) ? path : Path.GetFullPath(path, Path.GetFullPath(root));
}
