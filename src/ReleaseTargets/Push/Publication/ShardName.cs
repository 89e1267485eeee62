using System.Diagnostics.CodeAnalysis;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// The one rule for comparing shard names: case does not count. <c>--shard=A</c> and <c>--shard=a</c> are one shard, so
/// they share one claim, one record and one stage history, and Seal's <c>--shards=A</c> finds the record of <c>a</c>.
/// Names are stored in lower case (shard names are ASCII: letters, digits, '.', '-', '+', '_').
/// </summary>
internal static class ShardName
{
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>The form a shard name is stored and compared in: its lower case; null stays null (not sharded).</summary>
    [return: NotNullIfNotNull(nameof(shard))]
    public static string? Canonical(string? shard) => shard?.ToLowerInvariant();
}
