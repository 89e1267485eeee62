namespace ReleaseTargets.Verify;

/// <summary>What a verification found. Formatted only by <see cref="Push.Reporting.PushReportWriter"/>.</summary>
/// <param name="Version">The release verified.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Findings">Every problem, in name order; empty when <see cref="VerifyStatus.Verified"/>.</param>
/// <param name="ArtifactsChecked">Artifacts the manifest lists that were compared with storage.</param>
/// <param name="BytesDownloaded">Bytes read and hashed (<c>--download</c>); 0 for a metadata-only check.</param>
/// <param name="ManifestUrl">Where the manifest is (or would be); never carries a SAS.</param>
/// <param name="Downloaded">Whether every byte was read and hashed, not only the listed length and stored Content-MD5.</param>
/// <param name="Unlisted">Blobs under the version the manifest does not list (a warning, not a failure).</param>
/// <param name="Retries">Retries of the verification's own requests (manifest, listings).</param>
public sealed record VerifyReport(
    string Version,
    VerifyStatus Status,
    IReadOnlyList<VerifyFinding> Findings,
    int ArtifactsChecked,
    long BytesDownloaded,
    Uri ManifestUrl,
    bool Downloaded,
    IReadOnlyList<string> Unlisted,
    TimeSpan Duration,
    int Retries)
{
    /// <summary>The release is published and every artifact is in storage exactly as its manifest lists it.</summary>
    public bool Succeeded => Status == VerifyStatus.Verified;

    /// <summary>What was compared, for the report: a metadata check cannot see bytes changed behind an unchanged Content-MD5.</summary>
    public string Depth => Downloaded
        ? "every byte read and hashed (MD5, and SHA-256 where the manifest has one)"
        : "length and stored Content-MD5 from one listing, committed block IDs of artifacts staged in blocks; the bytes were not read (--download reads and hashes every byte)";

    /// <summary>The error that fails the build, naming every finding and what to do; null when verified.</summary>
    internal ReleaseTargetsException? Failure()
    {
        var lines = string.Join(Environment.NewLine, Findings.Select(f => $"  - {f.Name} {f.Problem}"));
        var headline = Status switch
        {
            VerifyStatus.Verified => null,
            VerifyStatus.NotPublished => $"Verify of release '{Version}' failed: release '{Version}' is not published ({ManifestUrl} does not exist):",
            VerifyStatus.Unsealed => $"Verify of release '{Version}' failed: release '{Version}' is pushed in shards and not sealed, so it is not visible ({ManifestUrl} does not exist):",
            _ => $"Verify of release '{Version}' failed: {Findings.Count} problem(s) against the manifest {ManifestUrl} ({Depth}):",
        };
        var fix = Status switch
        {
            VerifyStatus.NotPublished => "Check --release-version and --container, or push the release (a re-run resumes an unfinished push).",
            VerifyStatus.Unsealed => "Re-run the push of every shard not recorded, then run Seal with --shards naming every shard.",
            _ => "A published release is immutable and its blobs are never overwritten by a push: find out who changed them, and publish under a new --release-version.",
        };
        return headline is null ? null : new ReleaseTargetsException($"{headline}{Environment.NewLine}{lines}{Environment.NewLine}{fix}");
    }
}
