using System.Text.Json.Nodes;

namespace ReleaseTargets.Tests.Infrastructure.Registry;

/// <summary>Debian's skopeo as an independent client: what the registry really serves under a tag.</summary>
public static class Skopeo
{
    /// <summary>The manifest digest a tag resolves to, or null when the tag does not exist.</summary>
    public static async Task<string?> DigestAsync(DockerRegistry registry, string repository, string tag)
    {
        try
        {
            var json = await DockerRegistry.RunAsync("skopeo", ["inspect", "--tls-verify=false", .. Credentials(registry), $"docker://{registry.Host}/{repository}:{tag}"]);
            return JsonNode.Parse(json)?["Digest"]?.GetValue<string>();
        }
        catch (InvalidOperationException failed) when (failed.Message.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase) || failed.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    /// <summary>
    /// Copies the tagged image into a <c>dir:</c> folder (blobs as served, named by their hex digest; every blob is fetched
    /// and digest-checked by skopeo); returns the blob names.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CopyBlobsAsync(DockerRegistry registry, string repository, string tag, string directory)
    {
        await DockerRegistry.RunAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", .. SourceCredentials(registry), $"docker://{registry.Host}/{repository}:{tag}", $"dir:{directory}"]);
        return Directory.GetFiles(directory).Select(Path.GetFileName).Where(n => n!.Length == 64).Select(n => n!).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The manifest bytes served under the tag.</summary>
    public static async Task<string> RawManifestAsync(DockerRegistry registry, string repository, string tag) =>
        await DockerRegistry.RunAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", .. Credentials(registry), $"docker://{registry.Host}/{repository}:{tag}"]);

    private static string[] Credentials(DockerRegistry registry) => registry.Tokens is null && !HasAuth(registry) ? [] : ["--creds", $"{DockerRegistry.Username}:{DockerRegistry.Password}"];

    private static string[] SourceCredentials(DockerRegistry registry) => registry.Tokens is null && !HasAuth(registry) ? [] : ["--src-creds", $"{DockerRegistry.Username}:{DockerRegistry.Password}"];

    private static bool HasAuth(DockerRegistry registry) => File.Exists(Path.Combine(registry.Folder, "htpasswd")) || registry.Tokens is not null;
}
