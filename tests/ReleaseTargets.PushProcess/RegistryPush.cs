using ReleaseTargets.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Auth;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Registry.Upload;
using ReleaseTargets.Resilience;
using ReleaseTargets.Push.Reporting;

/// <summary>
/// <c>registry &lt;registry uri&gt; &lt;layout&gt; &lt;repository&gt; &lt;tag&gt; &lt;chunk bytes&gt;</c>: pushes one image layout in
/// this process (anonymous, one blob at a time), so a test can kill it mid-push and prove the re-run skips what is there.
/// </summary>
internal static class RegistryPush
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var publisher = new RegistryPublisher(new Uri(args[0]), RegistryCredentials.Anonymous, new PushRetryOptions(), TimeProvider.System, new ConsoleLog(), new Redactor());
        var image = await OciLayoutReader.ReadAsync(args[1], "image", CancellationToken.None);
        Console.WriteLine("pushing");
        var results = await publisher.PushAsync([new RegistryImage(image, args[2])], [args[3]], new RegistryPushOptions { ChunkSize = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture), Concurrency = 1, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        foreach (var line in PushReportWriter.ToImageLines(results))
        {
            Console.WriteLine(line);
        }

        return results.All(r => r.Outcome is ArtifactOutcome.Uploaded or ArtifactOutcome.Skipped) ? 0 : 1;
    }
}
