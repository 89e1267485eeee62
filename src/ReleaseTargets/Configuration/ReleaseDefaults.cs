namespace ReleaseTargets.Configuration;

/// <summary>The built-in default of every parameter, in one place. The README's parameter table is written by hand: change it with these.</summary>
internal static class ReleaseDefaults
{
    public const string Container = "releases";
    public const string ArtifactsDirectory = "artifacts";
    public const string Artifacts = "**/*";
    public const string StateDirectory = ".nuke/temp";
    public const bool CreateContainer = true;
    public const int BlockSizeMiB = 8;
    public const int Concurrency = 16;
    public const int MaxRetries = 6;
    public const int MaxCredentialRenewals = 3;

    /// <summary>Twenty runs is a few weeks of releases for a busy project: enough for stable percentiles,
    /// recent enough that artifact growth and agent changes show up quickly, and a history file of a few KiB.</summary>
    public const int HistoryLength = 20;

    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(0.8);
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RetryAfterCap = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan PerTryTimeout = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Silence allowed within one attempt (no body write completing, no response headers). Only silence counts, so a slow
    /// upload of a big block is not cut; 30 s is far above the time a live Azure Storage, Azurite or registry takes to answer
    /// after the last byte, and with <see cref="UnresponsiveRetries"/> a dead-but-connected endpoint fails in
    /// 3 × 30 s plus backoff, under 2 minutes (it was 7 × 100 s, 12 minutes, before issue 21).
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Retries after silent attempts: one hung connection may be a dropped packet, three in a row are a hung endpoint.</summary>
    public const int UnresponsiveRetries = 2;
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long Seal waits for every shard record: long enough for the slowest agent of a matrix to finish its push.</summary>
    public static readonly TimeSpan SealTimeout = TimeSpan.FromMinutes(30);
}
