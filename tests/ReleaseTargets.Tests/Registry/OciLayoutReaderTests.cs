using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.Registry;

namespace ReleaseTargets.Tests.Registry;

/// <summary>
/// Malformed or linked layouts (issue 21): each fails with one <see cref="ReleaseTargetsException"/> naming the layout
/// folder, the file inside it and what is wrong, before anything is sent.
/// </summary>
public sealed class OciLayoutReaderTests : IDisposable
{
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    private readonly string _root = Directory.CreateTempSubdirectory("rt-layout-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("rt-outside-").FullName;

    [Theory]
    [InlineData("""{"imageLayoutVersion":1}""", null, "oci-layout: $.imageLayoutVersion is a number, not a string")]
    [InlineData(null, """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":12,"size":3}]}""", "index.json: $.manifests[0].digest is a number, not a string")]
    [InlineData(null, "this is not json", "index.json is not valid JSON (line 1, byte 2)")]
    [InlineData(null, """{"manifests":{}}""", "index.json: $.manifests is an object, not an array")]
    [InlineData(null, """[{"manifests":[]}]""", "index.json holds an array, not a JSON object")]
    [InlineData(null, """{"manifests":["sha256:00"]}""", "index.json: $.manifests[0] is a string, not an object")]
    [InlineData(null, """{"manifests":[],"manifests":[]}""", "index.json is not valid JSON (a property appears twice)")]
    [InlineData(null, """{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":"12"}]}""", "index.json: $.manifests[0].size is a string, not a whole number")]
    [InlineData(null, """{"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1.5}]}""", "index.json: $.manifests[0].size is 1.5, not a whole number")]
    public async Task A_malformed_layout_file_fails_naming_the_layout_the_file_and_what_is_wrong(string? layout, string? index, string expected)
    {
        await OciLayoutWriter.WriteAsync(_root, seed: 70, 100);
        if (layout is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_root, "oci-layout"), layout);
        }

        if (index is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_root, "index.json"), index);
        }

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(_root, "app", CancellationToken.None));

        Assert.Equal($"The OCI image layout '{_root}' cannot be pushed: {expected}.", refused.Message);
    }

    [Theory]
    [InlineData("this is not json", " is not valid JSON (line 1, byte 2)")]
    [InlineData("""{"schemaVersion":2,"config":"sha256:00","layers":[]}""", ": $.config is a string, not an object")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":{}}""", ": $.layers is an object, not an array")]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},"layers":[7]}""", ": $.layers[0] is a number, not an object")]
    public async Task A_malformed_manifest_blob_fails_naming_its_path_inside_the_layout(string manifest, string expected)
    {
        await OciLayoutWriter.WriteAsync(_root, seed: 71, 100);
        var hex = await PointIndexAtAsync(Encoding.UTF8.GetBytes(manifest));

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(_root, "app", CancellationToken.None));

        Assert.Equal($"The OCI image layout '{_root}' cannot be pushed: blobs/sha256/{hex}{expected}.", refused.Message);
    }

    [Fact]
    public async Task A_manifest_blob_that_links_outside_the_layout_is_refused_as_a_link()
    {
        var digest = await OciLayoutWriter.WriteAsync(_root, seed: 72, 100);
        var blob = Path.Combine(_root, "blobs", "sha256", digest[7..]);
        var target = Path.Combine(_outside, "manifest.json");
        File.Move(blob, target);
        File.CreateSymbolicLink(blob, target);

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(_root, "app", CancellationToken.None));

        Assert.Equal($"The OCI image layout '{_root}' cannot be pushed: manifest {digest} is a symbolic link (blobs/sha256/{digest[7..]} → '{target}'); links are not followed: copy the file into the layout.", refused.Message);
    }

    [Fact]
    public async Task A_config_blob_that_links_outside_the_layout_is_refused_as_a_link()
    {
        var digest = await OciLayoutWriter.WriteAsync(_root, seed: 73, 100);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "blobs", "sha256", digest[7..])))!;
        var config = manifest["config"]!["digest"]!.GetValue<string>();
        var blob = Path.Combine(_root, "blobs", "sha256", config[7..]);
        File.Move(blob, Path.Combine(_outside, "config.json"));
        File.CreateSymbolicLink(blob, Path.Combine(_outside, "config.json"));

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(_root, "app", CancellationToken.None));

        Assert.Contains($"blob {config} is a symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("missing", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_linked_blobs_folder_is_refused_as_a_link()
    {
        await OciLayoutWriter.WriteAsync(_root, seed: 74, 100);
        var blobs = Path.Combine(_root, "blobs", "sha256");
        Directory.Move(blobs, Path.Combine(_outside, "sha256"));
        Directory.CreateSymbolicLink(blobs, Path.Combine(_outside, "sha256"));

        var refused = await Assert.ThrowsAsync<ReleaseTargetsException>(() => OciLayoutReader.ReadAsync(_root, "app", CancellationToken.None));

        Assert.StartsWith($"The OCI image layout '{_root}' cannot be pushed: blobs/sha256 is a symbolic link", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        AzuriteFixture.DeleteDirectory(_root);
        AzuriteFixture.DeleteDirectory(_outside);
    }

    /// <summary>Writes <paramref name="content"/> as a blob under its own digest and makes index.json's one manifest point at it.</summary>
    private async Task<string> PointIndexAtAsync(byte[] content)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(content));
        await File.WriteAllBytesAsync(Path.Combine(_root, "blobs", "sha256", hex), content);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = ManifestType, ["digest"] = "sha256:" + hex, ["size"] = content.Length }),
        };
        await File.WriteAllTextAsync(Path.Combine(_root, "index.json"), index.ToJsonString());
        return hex;
    }
}
