namespace ReleaseTargets.Push.Reporting;

/// <summary>What the push did with one artifact.</summary>
public enum ArtifactOutcome
{
    /// <summary>Sent in full.</summary>
    Uploaded,

    /// <summary>Some blocks were already staged by an earlier attempt; only the rest were sent.</summary>
    Resumed,

    /// <summary>Already in storage with the same MD5; nothing sent.</summary>
    Skipped,

    /// <summary>Could not be pushed.</summary>
    Failed,

    /// <summary>Started, then stopped with the push (cancelled, or another artifact's failure); its staged blocks are kept for a re-run.</summary>
    Interrupted,

    /// <summary>Not tried: the push stopped first (cancelled, or another artifact's failure would have failed it too).</summary>
    NotAttempted,
}
