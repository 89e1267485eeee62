using System.Diagnostics;
using ReleaseTargets.Registry;
using ReleaseTargets.Registry.Layout;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;
using ReleaseTargets.Tests.Infrastructure.Registry;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Registry;

/// <summary>An image push in its own process, killed (SIGKILL) mid-push; the re-run sends only the blobs that are not there.</summary>
public sealed class KilledRegistryPushTests
{
    [Fact]
    public async Task A_rerun_after_a_killed_push_skips_the_blobs_already_there_and_completes_the_tag()
    {
        await using var harness = await RegistryHarness.StartAsync(RegistryAuthMode.None);
        var (layout, digest) = await harness.WriteLayoutAsync("app", seed: 60, 400_000, 400_000, 400_000);
        var image = await OciLayoutReader.ReadAsync(layout, "app", CancellationToken.None);
        // Slow PATCHes keep the child mid-upload long enough to be killed there.
        harness.Proxy.AddRule(new FaultMatch { Method = "PATCH" }, FaultAction.Latency(TimeSpan.FromMilliseconds(150)));

        using (var child = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { ChildPath, "registry", harness.Proxy.BaseUri.ToString(), layout, "team/app", "1.0.0", RegistryHarness.ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            // Killed once two blobs are complete and the third is being sent.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (harness.Proxy.Count(r => r.Method == "PUT" && r.Query.Contains("digest=", StringComparison.Ordinal)) < 2 || harness.Count("/blobs/uploads/", "PATCH") < 3)
            {
                await Task.Delay(20, timeout.Token);
            }

            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(timeout.Token);
        }

        Assert.Null(await Skopeo.DigestAsync(harness.Registry, "team/app", "1.0.0"));
        var present = await PresentAsync(harness, image);
        Assert.InRange(present.Count, 2, image.Blobs.Count - 1);
        harness.Proxy.ClearRules();
        harness.Proxy.Reset();

        var rerun = await harness.PushAsync(layout, "team/app", "1.0.0");

        Assert.Equal(ArtifactOutcome.Uploaded, rerun.Outcome);
        Assert.Equal(present.Count, rerun.BlobsReused);
        Assert.Equal(image.Blobs.Where(b => !present.Contains(b.Digest)).Sum(b => b.Length), harness.PatchBytesForwarded());
        Assert.Equal(digest, await Skopeo.DigestAsync(harness.Registry, "team/app", "1.0.0"));
    }

    private static async Task<HashSet<string>> PresentAsync(RegistryHarness harness, OciImage image)
    {
        using var http = new HttpClient();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in image.Blobs)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(harness.Registry.BaseUri, $"/v2/team/app/blobs/{blob.Digest}")));
            if (response.IsSuccessStatusCode)
            {
                present.Add(blob.Digest);
            }
        }

        return present;
    }

    private static string ChildPath
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(RepositoryRoot.Path, "tests", "ReleaseTargets.PushProcess", "bin", configuration, "net10.0", "ReleaseTargets.PushProcess.dll");
        }
    }
}
