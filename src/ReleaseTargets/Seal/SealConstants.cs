namespace ReleaseTargets.Seal;

/// <summary>The defaults of everything in <c>Seal/</c>, each with the reason it was chosen.</summary>
internal static class SealConstants
{
    /// <summary>Shards of one matrix usually finish within seconds of each other: the first re-checks come quickly.</summary>
    public static readonly TimeSpan FirstCheckDelay = TimeSpan.FromSeconds(2);

    /// <summary>A listing every 30 s at most while a slow shard is still pushing: cheap, and the seal is at most 30 s late.</summary>
    public static readonly TimeSpan LongestCheckDelay = TimeSpan.FromSeconds(30);

    /// <summary>Each wait is this many times the previous one, up to <see cref="LongestCheckDelay"/>.</summary>
    public const double BackoffFactor = 2;

    /// <summary>Reading the shard records and one listing of the release: minutes even for thousands of artifacts.</summary>
    public static readonly TimeSpan VerificationAllowance = TimeSpan.FromMinutes(5);

    /// <summary>Shard records read at once (each is a small JSON blob).</summary>
    public const int ParallelReads = 16;
}
