namespace ReleaseTargets.Fetch;

/// <summary>What became of one file of a fetch.</summary>
public enum FetchOutcome
{
    /// <summary>Downloaded (or completed from a partial), verified and moved into place.</summary>
    Fetched,

    /// <summary>Already in the destination with the manifest's hashes: nothing was downloaded.</summary>
    AlreadyPresent,

    /// <summary>Not in the destination: see <see cref="FetchedFile.Reason"/>.</summary>
    Failed,
}

/// <summary>One file of a fetch.</summary>
/// <param name="Name">Its path in the release (and under the destination folder), '/'-separated.</param>
/// <param name="Size">Its length as the manifest lists it.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Reason">Why it failed (redacted, one line per problem); null otherwise.</param>
/// <param name="Sha256Checked">False when the manifest has no SHA-256 (written before issue 22): only MD5 was verified.</param>
/// <param name="ResumedRanges">Ranges a previous run had written and this one reused.</param>
public sealed record FetchedFile(string Name, long Size, FetchOutcome Outcome, string? Reason, bool Sha256Checked, int ResumedRanges);

/// <summary>What a fetch did: every file, and what it cost. Formatted only by <see cref="Push.Reporting.PushReportWriter"/>.</summary>
/// <param name="Version">The release fetched.</param>
/// <param name="Directory">The folder it was fetched into (absolute).</param>
/// <param name="Files">Every file the manifest and the <c>--artifacts</c> globs selected, in manifest order.</param>
/// <param name="TotalBytes">Their total length.</param>
/// <param name="BytesDownloaded">Bytes received this run (a resumed file counts only its missing ranges).</param>
/// <param name="RangesRequested">Ranged GETs sent, retries included.</param>
/// <param name="Renewals">SAS renewals during the download.</param>
/// <param name="Duration">The download, from the first GET to the last file moved into place.</param>
public sealed record FetchReport(string Version, string Directory, IReadOnlyList<FetchedFile> Files, long TotalBytes, long BytesDownloaded, int RangesRequested, int Renewals, TimeSpan Duration)
{
    /// <summary>Every selected file is in <see cref="Directory"/>, whole and verified.</summary>
    public bool Succeeded => Files.All(f => f.Outcome != FetchOutcome.Failed);

    /// <summary>The files that are not in <see cref="Directory"/>, each with its reason.</summary>
    public IEnumerable<FetchedFile> Failed => Files.Where(f => f.Outcome == FetchOutcome.Failed);

    /// <summary>Throws one <see cref="ReleaseTargetsException"/> naming every file that failed, and why; nothing when all succeeded.</summary>
    internal void ThrowIfFailed(string destination)
    {
        if (Succeeded)
        {
            return;
        }

        var failed = Failed.ToList();
        throw new ReleaseTargetsException(
            $"Fetch failed for {failed.Count} of {Files.Count} file(s); none of them is in --to '{destination}' (the others are, verified):" + Environment.NewLine +
            string.Join(Environment.NewLine, failed.Select(f => $"  - '{FetchSelection.Shown(f.Name)}': {f.Reason}")));
    }
}
