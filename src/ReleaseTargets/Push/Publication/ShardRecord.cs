using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// What one shard of a sharded release published, written by its push last and only if absent, as
/// <c>&lt;version&gt;/_shards/&lt;shard&gt;.json</c>: its artifacts with size and MD5 and its stage timings. Seal waits for one
/// per expected shard, verifies them against the service and only then writes the release manifest.
/// </summary>
internal sealed record ShardRecord(
    string Version,
    string Shard,
    string ContentDigest,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    IReadOnlyList<ArtifactContent> Artifacts,
    IReadOnlyDictionary<string, double> StageSeconds)
{
    /// <summary>The folder under the release prefix that holds the shard records; no artifact may be published there.</summary>
    public const string FolderName = "_shards";

    /// <summary>The images this shard pushed; Seal lists every shard's in the manifest. Absent when none.</summary>
    public IReadOnlyList<Registry.PublishedImage>? Images { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal static readonly JsonCodec<ShardRecord> Codec = new(r => Utf8Document.Serialize(r, Json), FromJson);

    public static string PrefixFor(string version) => $"{version}/{FolderName}/";

    public static string BlobNameFor(string version, string shard) => $"{PrefixFor(version)}{shard}.json";

    /// <summary>The shard a record blob name belongs to, or null when the name is not a record of <paramref name="version"/>.</summary>
    public static string? ShardOf(string version, string blobName) =>
        blobName.StartsWith(PrefixFor(version), StringComparison.Ordinal) && blobName.EndsWith(".json", StringComparison.Ordinal) && !blobName[PrefixFor(version).Length..].Contains('/', StringComparison.Ordinal)
            ? blobName[PrefixFor(version).Length..^".json".Length]
            : null;

    public static ShardRecord For(ReleaseClaim claim, string shard, DateTimeOffset now, IReadOnlyDictionary<string, double> stageSeconds) =>
        new(claim.Version, shard, claim.ContentDigest, now, claim.ClaimedBy, claim.Artifacts, stageSeconds);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ShardRecord? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardRecord>(json, Json) is { ContentDigest.Length: > 0, Artifacts: not null, Shard.Length: > 0 } record ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
