using ReleaseTargets.Push.Publication;

namespace ReleaseTargets.Stages;

/// <summary>The names under which the release stages are recorded in the <see cref="StageHistory"/>.</summary>
internal static class ReleaseStages
{
    public const string Build = "Build";

    public const string RefreshCredentials = "RefreshCredentials";

    public const string Push = "Push";

    public const string Seal = "Seal";

    public const string Verify = "Verify";

    public const string Fetch = "Fetch";

    /// <summary>
    /// The Push stage of one shard, <c>Push[linux]</c>: each shard forecasts its SAS from its own past pushes (its share of
    /// the bytes), not from the whole release's or another shard's. Without a shard, <see cref="Push"/>. Shard names are
    /// compared ignoring case (<see cref="Push.Publication.ShardName"/>): <c>--shard=A</c> and <c>--shard=a</c> share <c>Push[a]</c>.
    /// </summary>
    public static string PushOf(string? shard) => shard is null ? Push : $"{Push}[{ReleaseTargets.Push.Publication.ShardName.Canonical(shard)}]";
}
