using System.Diagnostics;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ReleaseTargets.Push;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Faults;

/// <summary>A push process killed mid-push (SIGKILL, no cleanup), then re-run: only the missing blocks go over the wire.</summary>
[Collection("Azurite")]
public sealed class KilledPushTests(AzuriteFixture azurite)
{
    private const string Big = "big.bin";

    [Fact]
    public async Task Push_ProcessKilledMidPush_RerunSendsOnlyTheMissingBlocks()
    {
        await using var h = await PushHarness.StartAsync(azurite, (Big, (12 * PushHarness.BlockSize) + 3));
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Latency(TimeSpan.FromMilliseconds(300)));
        var certificate = Path.Combine(h.ArtifactsDirectory, "..", "azurite.pem");
        await File.WriteAllTextAsync(certificate, azurite.Emulator.Certificate.ExportCertificatePem());

        using var child = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                ChildPath,
                azurite.Emulator.BlobServiceUri.ToString(),
                new Uri(h.Proxy.BaseUri, "/" + azurite.Emulator.AccountName).ToString(),
                certificate,
                h.ArtifactsDirectory,
                h.Version,
                Path.Combine(h.ArtifactsDirectory, "..", "child-state"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = new System.Text.StringBuilder();
        child.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        child.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();

        // Manifest check, claim, listing, block list, then blocks: kill once five blocks are staged, about 40 %.
        var started = h.Proxy.WaitForRequestsAsync(4 + 5);
        var exited = child.WaitForExitAsync();
        if (await Task.WhenAny(started, exited) == exited)
        {
            Assert.Fail($"The push process exited with {child.ExitCode} before it was killed:\n{output}");
        }

        await started;
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        var staged = await h.StableUncommittedAsync(Big);
        Assert.InRange(staged.Count, 5, 12);
        Assert.False(await h.ExistsAsync($"{h.Version}/{Big}"));
        await h.AssertManifestAbsentAsync();
        h.Proxy.ClearRules();
        h.Proxy.Reset();

        var report = await h.PushAsync(h.Options(o => o.Concurrency = 1));

        var sent = h.Proxy.Requests.Where(r => r.Comp == "block").Select(r => r.BlockId).ToList();
        Assert.Empty(sent.Intersect(staged));
        Assert.Equal(13 - staged.Count, sent.Count);
        Assert.Equal(ArtifactOutcome.Resumed, Assert.Single(report.Artifacts).Outcome);
        Assert.Equal(staged.Count, report.Artifacts[0].BlocksReused);
        await h.AssertBlobMatchesSourceAsync(Big);
        await h.AssertCommittedBlocksEqualPlanAsync(Big);
        await h.AssertManifestCompleteAsync(Big);
    }

    private static string ChildPath
    {
        get
        {
            // Same configuration as this test assembly (bin/<Configuration>/net10.0).
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(RepositoryRoot.Path, "tests", "ReleaseTargets.PushProcess", "bin", configuration, "net10.0", "ReleaseTargets.PushProcess.dll");
        }
    }

}
