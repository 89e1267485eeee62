using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Seal;

/// <summary>What a seal did. Formatted only by <see cref="PushReportWriter"/>.</summary>
/// <param name="Waited">Time spent waiting for shard records, checks included.</param>
/// <param name="Duration">The whole seal: waiting, verifying and writing the manifest.</param>
/// <param name="AlreadySealed">The manifest was already there listing exactly these artifacts (a re-run of the seal).</param>
public sealed record SealReport(
    string Version,
    int Shards,
    int Artifacts,
    long TotalBytes,
    Uri ManifestUrl,
    TimeSpan Waited,
    TimeSpan Duration,
    bool AlreadySealed,
    int Retries);
