using System.Diagnostics;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.ReadSide;

/// <summary>Issue 22 through the whole Verify and Fetch steps (manifest, read SAS, engine, report), as a later job runs them.</summary>
[Collection("Azurite")]
public sealed class IncidentAndTrustTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IncidentReplay_ReadSide_A20SecondSasAndASlowedProxy_TheFetchCompletesByRenewing()
    {
        var files = Enumerable.Range(0, 6).Select(i => ($"part{i}.bin", 100_000 + i)).ToArray();
        await using var h = await PushHarness.StartAsync(azurite, files);
        await h.PushAsync();
        var to = Path.Combine(Path.GetTempPath(), "rt-fetch-" + Guid.NewGuid().ToString("N"));
        // Six GETs of 4 s each, one at a time: the download outlives the first SAS (20 s, as the incident's was short) by
        // seconds. Reactive only: the 403 after expiry must renew in place and the fetch go on.
        h.Proxy.AddRule(new FaultMatch { Method = "GET" }, FaultAction.Latency(TimeSpan.FromSeconds(4)));

        var (report, failure, log) = await ReadRun.FetchAsync(azurite, h, h.Options(o =>
        {
            o.FetchDirectory = to;
            o.SasLifetime = TimeSpan.FromSeconds(20);
            o.DisableProactiveRenewal = true;
            o.Concurrency = 1;
        }));

        try
        {
            Assert.True(failure is null, failure?.Message + log.Text);
            Assert.True(report!.Renewals >= 1, log.Text);
            Assert.Contains(h.Proxy.Requests, r => r.Method == "GET" && r.ClientStatus == 403);
            // Nothing restarts: every blob was read whole once, plus the one GET the expired SAS had refused.
            var gets = h.Proxy.Requests.Where(r => r.Method == "GET" && r.ClientStatus is 200 or 206).GroupBy(r => r.BlobName).ToList();
            Assert.All(gets, g => Assert.Single(g));
            Assert.Equal(files.Select(f => f.Item1).Append(Sha256Sums.FileName).Order(StringComparer.Ordinal), ReadRun.FilesIn(to));
            foreach (var (name, _) in files)
            {
                Assert.Equal(await File.ReadAllBytesAsync(h.PathOf(name)), await File.ReadAllBytesAsync(Path.Combine(to, name)));
            }

            Assert.Equal(0, await Sha256SumAsync(to));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(to);
        }
    }

    [Fact]
    public async Task Fetch_ManifestWithEscapingNames_WritesNothingAnywhereAndNamesThem()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.txt", 100));
        await h.PushAsync();
        var manifestBlob = h.Direct.GetBlobClient(ReleaseManifest.BlobNameFor(h.Version));
        var manifest = ReleaseManifest.FromJson((await manifestBlob.DownloadContentAsync()).Value.Content.ToString())!;
        var real = manifest.Artifacts[0];
        var crafted = manifest with { Artifacts = [real, real with { Name = "../escape.txt" }, real with { Name = "a\\..\\..\\b" }] };
        await manifestBlob.UploadAsync(BinaryData.FromString(crafted.ToJson()), overwrite: true);
        var parent = Directory.CreateTempSubdirectory("rt-fetch-parent-").FullName;
        var to = Path.Combine(parent, "to");

        var (report, failure, _) = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = to));

        try
        {
            Assert.Null(report);
            Assert.Contains("'../escape.txt'", failure!.Message, StringComparison.Ordinal);
            Assert.Contains("'a\\..\\..\\b'", failure.Message, StringComparison.Ordinal);
            Assert.Empty(ReadRun.FilesIn(parent));
            Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(parent)!, "escape.txt")));
            Assert.DoesNotContain(h.Proxy.Requests, r => r.Method == "GET" && r.BlobName == $"{h.Version}/app.txt");
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(parent);
        }
    }

    [Fact]
    public async Task BlobChangedBehindTheManifest_VerifyDownloadNamesIt_FetchRefusesItAndLeavesNoFileOfIt()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300_000), ("notes.txt", 100));
        await h.PushAsync();
        var changed = new byte[300_000];
        new Random(7).NextBytes(changed);
        // Same length, other bytes, through the account's own credential (what a careless admin or an attacker with a key does).
        await h.Direct.GetBlobClient($"{h.Version}/app.bin").UploadAsync(BinaryData.FromBytes(changed), overwrite: true);
        var to = Path.Combine(Path.GetTempPath(), "rt-fetch-" + Guid.NewGuid().ToString("N"));
        h.Environment["GITHUB_STEP_SUMMARY"] = Path.Combine(to + "-summary.md");

        var verified = await ReadRun.VerifyAsync(azurite, h, h.Options(o => o.Download = true));
        var fetched = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = to));

        try
        {
            Assert.Null(verified.Report);
            Assert.Contains("'app.bin'", verified.Failure!.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("'notes.txt'", verified.Failure.Message, StringComparison.Ordinal);
            Assert.Contains("every byte read and hashed", verified.Failure.Message, StringComparison.Ordinal);
            var json = await File.ReadAllTextAsync(Path.Combine(h.Options().StateDirectory, "verify-report.json"));
            Assert.Contains("app.bin", json, StringComparison.Ordinal);
            Assert.Contains("app.bin", await File.ReadAllTextAsync(h.Environment["GITHUB_STEP_SUMMARY"]), StringComparison.Ordinal);

            Assert.Null(fetched.Report);
            Assert.Contains("'app.bin'", fetched.Failure!.Message, StringComparison.Ordinal);
            Assert.Equal(["notes.txt"], ReadRun.FilesIn(to));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(to);
            File.Delete(to + "-summary.md");
        }
    }

    [Fact]
    public async Task ReadSide_SasIsReadAndListOnly_AndSendsNoWrite()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.txt", 100));
        await h.PushAsync();
        h.Proxy.Reset();
        var to = Path.Combine(Path.GetTempPath(), "rt-fetch-" + Guid.NewGuid().ToString("N"));

        var verified = await ReadRun.VerifyAsync(azurite, h, h.Options(o => o.Download = true));
        var fetched = await ReadRun.FetchAsync(azurite, h, h.Options(o => o.FetchDirectory = to));

        try
        {
            Assert.NotNull(verified.Report);
            Assert.NotNull(fetched.Report);
            Assert.NotEmpty(h.Proxy.Requests);
            Assert.All(h.Proxy.Requests, r => Assert.Contains(r.Method, new[] { "GET", "HEAD" }));
            Assert.All(h.Proxy.Requests, r => Assert.Equal("rl", System.Web.HttpUtility.ParseQueryString(r.Query ?? string.Empty)["sp"]));
        }
        finally
        {
            AzuriteFixture.DeleteDirectory(to);
        }
    }

    private static async Task<int> Sha256SumAsync(string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("sha256sum", "--check --strict SHA256SUMS") { WorkingDirectory = folder, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
