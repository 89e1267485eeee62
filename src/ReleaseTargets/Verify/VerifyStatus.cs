namespace ReleaseTargets.Verify;

/// <summary>How a verification of a published release ended.</summary>
public enum VerifyStatus
{
    /// <summary>The manifest is there and every artifact it lists is in storage exactly as listed.</summary>
    Verified,

    /// <summary>The manifest is unreadable, or at least one artifact is missing or differs from it.</summary>
    Mismatch,

    /// <summary>No manifest and no shard of the version: nothing was published under it (or a push has not finished).</summary>
    NotPublished,

    /// <summary>No manifest, but shards of the version were pushed: Seal has not written the manifest yet.</summary>
    Unsealed,
}
