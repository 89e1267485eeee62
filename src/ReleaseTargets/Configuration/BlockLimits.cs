using System.Globalization;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Configuration;

/// <summary>
/// Block size limits: the service's, and this tool's tighter one (every block in flight is buffered in memory,
/// <c>--concurrency</c> of them at once). Checked with the file lengths known at discovery, before anything is hashed or minted.
/// </summary>
internal static class BlockLimits
{
    /// <summary>Largest block the service accepts (Put Block, service version 2019-12-12 and later).</summary>
    public const int ServiceMaxBlockSizeMiB = 4000;

    /// <summary>Largest block this tool buffers.</summary>
    public const int MaxBlockSizeMiB = 1024;

    public const int MinBlockSizeMiB = 1;

    /// <summary>Committed blocks a block blob may have.</summary>
    public const int MaxBlocksPerBlob = 50_000;

    private const long MiB = 1024 * 1024;

    /// <summary>Why <paramref name="relativeName"/> of <paramref name="length"/> bytes cannot be pushed in blocks of <paramref name="blockSizeMiB"/>, or null when it can.</summary>
    public static string? Problem(string relativeName, long length, int blockSizeMiB)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSizeMiB, MinBlockSizeMiB);
        var blockBytes = blockSizeMiB * MiB;
        var blocks = (length + blockBytes - 1) / blockBytes;
        if (blocks <= MaxBlocksPerBlob)
        {
            return null;
        }

        var size = $"{Units.Bytes(length)}, {Count(length)} bytes";
        var smallest = (length + (MaxBlocksPerBlob * MiB) - 1) / (MaxBlocksPerBlob * MiB);
        if (smallest > MaxBlockSizeMiB)
        {
            return $"'{relativeName}' ({size}) is larger than the service can hold as one blob at {MaxBlockSizeMiB} MiB blocks " +
                   $"({Count(MaxBlocksPerBlob)} blocks, {Units.Bytes(MaxBlocksPerBlob * MaxBlockSizeMiB * MiB)}); split it into smaller artifacts.";
        }

        return $"'{relativeName}' ({size}) needs {Count(blocks)} blocks of {blockSizeMiB} MiB, " +
               $"more than the {Count(MaxBlocksPerBlob)} a blob may have; pass --block-size-mi-b={smallest} or more.";
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Throws one <see cref="ReleaseConfigurationException"/> naming every file that does not fit, or returns.</summary>
    public static void ThrowIfAnyTooLarge(IEnumerable<(string RelativeName, long Length)> files, int blockSizeMiB)
    {
        var problems = files.Select(f => Problem(f.RelativeName, f.Length, blockSizeMiB)).OfType<string>().ToList();
        if (problems.Count > 0)
        {
            throw new ReleaseConfigurationException(problems);
        }
    }
}
