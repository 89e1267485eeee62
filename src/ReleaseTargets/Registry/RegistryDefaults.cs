namespace ReleaseTargets.Registry;

/// <summary>The registry push's fixed settings, in one place.</summary>
internal static class RegistryDefaults
{
    /// <summary>A token endpoint that does not say how long its token lives: the distribution spec's default, 60 s.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

    /// <summary>What <c>--image-tags</c> defaults to: the release version (tags may not hold '+', so it becomes '-').</summary>
    public static string TagFor(string releaseVersion) => releaseVersion.Replace('+', '-');

    /// <summary>Blobs uploaded to a registry at once (at most <c>--concurrency</c>): registries throttle per client well below Azure Storage.</summary>
    public const int Concurrency = 4;

    /// <summary>Largest manifest read back or sent (the distribution spec's limit is 4 MiB).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;
}
