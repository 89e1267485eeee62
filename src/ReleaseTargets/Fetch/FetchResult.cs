namespace ReleaseTargets.Fetch;

/// <summary>What became of one file of a fetch.</summary>
internal enum FetchOutcome
{
    /// <summary>Downloaded (or completed from a partial), verified and moved into place.</summary>
    Fetched,

    /// <summary>Already in the destination with the manifest's hashes: nothing was downloaded.</summary>
    AlreadyPresent,

    /// <summary>Not in the destination: see <see cref="FetchedFile.Reason"/>.</summary>
    Failed,
}

/// <summary>One file of a fetch.</summary>
/// <param name="Reason">Why it failed (redacted, one line per problem); null otherwise.</param>
/// <param name="Sha256Checked">False when the manifest has no SHA-256 (written before issue 22): only MD5 was verified.</param>
/// <param name="ResumedRanges">Ranges a previous run had written and this one reused.</param>
internal sealed record FetchedFile(string Name, long Size, FetchOutcome Outcome, string? Reason, bool Sha256Checked, int ResumedRanges);

/// <summary>The outcome of a fetch: every file, and what it cost.</summary>
internal sealed record FetchResult(IReadOnlyList<FetchedFile> Files, long BytesDownloaded, int RangesRequested, int Renewals, TimeSpan Elapsed)
{
    public bool Succeeded => Files.All(f => f.Outcome != FetchOutcome.Failed);

    public IEnumerable<FetchedFile> Failed => Files.Where(f => f.Outcome == FetchOutcome.Failed);

    /// <summary>Throws one <see cref="ReleaseTargetsException"/> naming every file that failed, and why; nothing when all succeeded.</summary>
    public void ThrowIfFailed(string destination)
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
