namespace ReleaseTargets.Push.Artifacts;

/// <summary>Content types for the artifact kinds releases usually carry; anything else is an octet stream.</summary>
internal static class ContentTypes
{
    public static string For(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".zip" or ".nupkg" or ".snupkg" => "application/zip",
        ".gz" or ".tgz" => "application/gzip",
        ".txt" or ".md" => "text/plain; charset=utf-8",
        ".xml" => "application/xml",
        _ => "application/octet-stream",
    };
}
