namespace ReleaseTargets.Fetch;

/// <summary>The fixed sizes and names of a fetch, and why they are what they are.</summary>
internal static class FetchConstants
{
    /// <summary>
    /// Bytes per ranged GET: 8 MiB. Big enough that request overhead is small against Azurite's CPU-bound ~30 MiB/s, small
    /// enough that a retry or a resume after a kill repeats little. A file up to this size is one GET.
    /// </summary>
    public const int RangeSize = 8 * 1024 * 1024;

    /// <summary>Multi-range files fetched at once: their out-of-order ranges wait in memory for the in-order hash.</summary>
    public const int ParallelLargeFiles = 2;

    /// <summary>The partial file beside the target: it never has the target's name until it is whole and verified.</summary>
    public const string PartialSuffix = ".rtpartial";

    /// <summary>The partial's state (ETag, length, ranges written), beside it.</summary>
    public const string StateSuffix = PartialSuffix + ".json";

    /// <summary>The default of <c>--artifacts</c>: everything the manifest lists.</summary>
    public const string AllArtifacts = "**/*";
}
