namespace ReleaseTargets.Verify;

/// <summary>The defaults of everything in <c>Verify/</c>, each with the reason it was chosen.</summary>
internal static class VerifyConstants
{
    /// <summary>
    /// Artifacts read and hashed at once with <c>--download</c>: hashing is CPU-bound and the agents this runs on have 2 cores,
    /// so a few streams keep the network busy without starving the hashing.
    /// </summary>
    public const int ParallelDownloads = 4;

    /// <summary>Committed block lists read at once in a metadata check (each a small XML answer).</summary>
    public const int ParallelBlockLists = 16;
}
