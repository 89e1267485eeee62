using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReleaseTargets.Registry.Layout;

/// <summary>
/// One JSON file of an OCI image layout (<c>oci-layout</c>, <c>index.json</c>, a manifest or index blob), read strictly:
/// malformed JSON, a duplicate property or a value of the wrong kind fails with one <see cref="ReleaseTargetsException"/>
/// naming the layout folder, the file's path inside it and the JSON path — never System.Text.Json's own message.
/// </summary>
internal sealed class OciLayoutJson
{
    private readonly Func<string, ReleaseTargetsException> _problem;

    private OciLayoutJson(Func<string, ReleaseTargetsException> problem, string file, JsonObject root)
    {
        _problem = problem;
        File = file;
        Root = root;
    }

    /// <summary>The file's path inside the layout: <c>index.json</c>, <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    public string File { get; }

    public JsonObject Root { get; }

    /// <param name="directory">The layout folder.</param>
    /// <param name="file">The file's path inside the layout, as messages show it.</param>
    public static OciLayoutJson Parse(string directory, string file, ReadOnlySpan<byte> content) =>
        Parse(file, content, what => OciLayoutReader.Problem(directory, what));

    /// <summary>The same strict read of JSON from elsewhere (a manifest a registry served): <paramref name="problem"/> frames every problem.</summary>
    /// <param name="file">What messages call the document: <c>index.json</c>, <c>manifest sha256:…</c>.</param>
    public static OciLayoutJson Parse(string file, ReadOnlySpan<byte> content, Func<string, ReleaseTargetsException> problem)
    {
        JsonNode? node;
        try
        {
            // A duplicate key is read one way here and maybe another way by the registry: refuse it.
            node = JsonNode.Parse(content, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line ? $"line {line + 1}, byte {exception.BytePositionInLine + 1}" : "a property appears twice";
            throw problem($"{file} is not valid JSON ({where})");
        }

        return node is JsonObject root
            ? new OciLayoutJson(problem, file, root)
            : throw problem($"{file} holds {KindOf(node)}, not a JSON object");
    }

    /// <summary>A string property, or null when absent.</summary>
    public string? String(JsonObject parent, string name) => Value(parent, name, JsonValueKind.String, "a string") is { } value ? value.GetValue<string>() : null;

    /// <summary>A whole-number property, or null when absent.</summary>
    public long? Long(JsonObject parent, string name) =>
        Value(parent, name, JsonValueKind.Number, "a whole number") is not { } value ? null
        : value.TryGetValue<long>(out var number) ? number
        : throw Problem($"{parent.GetPath()}.{name} is {value.ToJsonString()}, not a whole number");

    /// <summary>An array property, or null when absent.</summary>
    public JsonArray? Array(JsonObject parent, string name) => (JsonArray?)Node(parent, name, JsonValueKind.Array, "an array");

    /// <summary>An object property, or null when absent.</summary>
    public JsonObject? Object(JsonObject parent, string name) => (JsonObject?)Node(parent, name, JsonValueKind.Object, "an object");

    /// <summary>An array property of objects (descriptors), each checked; empty when absent.</summary>
    public IReadOnlyList<JsonObject> Elements(JsonObject parent, string name) =>
        Array(parent, name) is not { } array ? [] : array.Select((node, i) => node as JsonObject ?? throw Problem($"{array.GetPath()}[{i}] is {KindOf(node)}, not an object")).ToList();

    public ReleaseTargetsException Problem(string what) => _problem($"{File}: {what}");

    private JsonValue? Value(JsonObject parent, string name, JsonValueKind kind, string expected) => (JsonValue?)Node(parent, name, kind, expected);

    private JsonNode? Node(JsonObject parent, string name, JsonValueKind kind, string expected)
    {
        var node = parent[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == kind ? node : throw Problem($"{parent.GetPath()}.{name} is {KindOf(node)}, not {expected}");
    }

    private static string KindOf(JsonNode? node) => (node?.GetValueKind() ?? JsonValueKind.Null) switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
