using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReleaseTargets.Push.Publication;

/// <summary>
/// The last thing a push writes, after every artifact is committed and verified: a reader that finds it sees a whole
/// release; a release without it is incomplete, and a re-run completes it.
/// </summary>
internal sealed record ReleaseManifest(
    string Version,
    DateTimeOffset PublishedAt,
    IReadOnlyList<ManifestArtifact> Artifacts,
    IReadOnlyDictionary<string, double> StageSeconds)
{
    public const string FileName = "release-manifest.json";

    /// <summary>The images and OCI artifacts the release pushed to a registry (Verify checks each tag and blob); absent when none, and in manifests before issue 22.</summary>
    public IReadOnlyList<Registry.PublishedImage>? Images { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal static readonly JsonCodec<ReleaseManifest> Codec = new(m => Utf8Document.Serialize(m, Json), FromJson);

    /// <summary>What the manifest lists, compared like every other publication's content.</summary>
    [JsonIgnore]
    public ReleaseContent Content => ReleaseContent.Of(Artifacts);

    public static string BlobNameFor(string version) => $"{version}/{FileName}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReleaseManifest? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ReleaseManifest>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
