using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Push.Artifacts;

namespace ReleaseTargets.Steps;

/// <summary>What the push sends: the artifacts, hashed, and the image layouts, read and verified (null when there are none).</summary>
internal sealed record PreparedRelease(ArtifactSet Artifacts, ReleaseImages? Images) : IAsyncDisposable
{
    /// <summary>Everything the push will send, images included: what the SAS is sized for.</summary>
    public long TotalBytes => Artifacts.TotalBytes + (Images?.TotalBytes ?? 0);

    /// <summary>
    /// Finds what the Build stage left: image layout folders (they go to the registry, not into blob storage) and the files.
    /// Names, block limits and repositories are checked here, before any credential is minted or byte is read.
    /// </summary>
    public static (ArtifactSet Discovered, ReleaseImages? Images) Discover(RunContext run)
    {
        var options = run.Options;
        var images = ReleaseImages.Find(options, run.Time, run.Log, run.Redactor);
        var globs = images is { Layouts.Count: > 0 } ? $"{options.Artifacts};{images.ExcludeGlobs}" : options.Artifacts;
        var discovered = ArtifactSet.Discover(options.ArtifactsDirectory, globs, options.ReleaseVersion, options.StateDirectory);
        foreach (var warning in discovered.Warnings)
        {
            run.Log.Warning(warning);
        }

        BlockLimits.ThrowIfAnyTooLarge(discovered.Artifacts.Select(a => (a.RelativePath, a.Length)), options.BlockSizeMiB);
        return (discovered, images);
    }

    /// <summary>Reads every image layout against its digests (once the files are hashed: the OCI artifact of the files names them).</summary>
    public static async Task<PreparedRelease> ReadImagesAsync(ArtifactSet hashed, ReleaseImages images, CancellationToken cancellationToken)
    {
        await images.ReadAsync(hashed.Artifacts.Select(a => a.LocalPath).ToList(), cancellationToken);
        return new PreparedRelease(hashed, images);
    }

    public async ValueTask DisposeAsync()
    {
        if (Images is not null)
        {
            await Images.DisposeAsync();
        }
    }
}
