using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>Writes an OCI image layout (as <c>skopeo copy … oci:</c> would) with random layers of given sizes, for tests and the benchmark.</summary>
public static class OciLayoutWriter
{
    /// <summary>Writes the layout into <paramref name="directory"/>; returns the manifest digest.</summary>
    public static async Task<string> WriteAsync(string directory, int seed, params long[] layerSizes)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        await File.WriteAllTextAsync(Path.Combine(directory, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        var random = new Random(seed);
        var layers = new JsonArray();
        var diffIds = new JsonArray();
        foreach (var size in layerSizes)
        {
            var path = Path.Combine(blobs, "incoming");
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            await using (var file = File.Create(path))
            {
                var buffer = new byte[1 << 20];
                for (long written = 0; written < size;)
                {
                    var n = (int)Math.Min(buffer.Length, size - written);
                    random.NextBytes(buffer.AsSpan(0, n));
                    sha.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n));
                    written += n;
                }

                var digest = "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
                layers.Add(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar", ["digest"] = digest, ["size"] = size });
                diffIds.Add(digest);
                file.Close();
                File.Move(path, Path.Combine(blobs, digest[7..]), overwrite: true);
            }
        }

        var config = Write(blobs, new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = diffIds },
            ["config"] = new JsonObject { ["Labels"] = new JsonObject { ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        });
        var manifest = Write(blobs, new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = config.Digest, ["size"] = config.Size },
            ["layers"] = layers,
        });
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = manifest.Digest, ["size"] = manifest.Size, ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "latest" } }),
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "index.json"), index.ToJsonString());
        return manifest.Digest;
    }

    private static (string Digest, long Size) Write(string blobs, JsonObject json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(blobs, digest[7..]), bytes);
        return (digest, bytes.Length);
    }
}
