using System.Diagnostics;
using System.Text.Json;
using ReleaseTargets.Fetch;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Fetch;

/// <summary>A fetch in its own process (tests/ReleaseTargets.PushProcess, <c>fetch</c> mode), SIGKILLed mid-file, then re-run.</summary>
[Collection("Azurite")]
public sealed class KilledFetchTests(AzuriteFixture azurite)
{
    private const int Ranges = 25;

    [Fact]
    public async Task Fetch_ProcessKilledMidFile_ReRunRequestsOnlyTheMissingRanges()
    {
        await using var h = await FetchHarness.StartAsync(azurite, ("big.bin", Ranges * FetchConstants.RangeSize));
        h.Proxy.AddRule(new FaultMatch { Method = "GET", Comp = null }, FaultAction.Latency(TimeSpan.FromMilliseconds(150)));
        var work = Path.GetDirectoryName(h.Destination)!;
        await File.WriteAllTextAsync(Path.Combine(work, "azurite.pem"), azurite.Emulator.Certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(work, "sas"), await h.SasAsync(TimeSpan.FromHours(1)));
        await File.WriteAllTextAsync(Path.Combine(work, "manifest.json"), h.Manifest.ToJson());
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { ChildPath, "fetch", new Uri(h.Proxy.BaseUri, $"/{azurite.Emulator.AccountName}/{h.Container}").ToString(), Path.Combine(work, "azurite.pem"), Path.Combine(work, "sas"), Path.Combine(work, "manifest.json"), h.Destination, "2" })
        {
            start.ArgumentList.Add(argument);
        }

        using (var child = Process.Start(start)!)
        {
            await h.Proxy.WaitForRequestsAsync(8);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            Assert.NotEqual(0, child.ExitCode);
        }

        var target = Path.Combine(h.Destination, "big.bin");
        Assert.False(File.Exists(target));
        var written = JsonDocument.Parse(await File.ReadAllTextAsync(target + FetchConstants.StateSuffix)).RootElement.GetProperty("written").GetArrayLength();
        Assert.InRange(written, 6, Ranges - 1);
        h.Proxy.ClearRules();
        h.Proxy.Reset();

        var result = await h.FetchAsync(concurrency: 2);

        Assert.True(result.Succeeded);
        Assert.Equal(written, result.Files[0].ResumedRanges);
        Assert.Equal(Ranges - written, h.BlobGets());
        Assert.Equal(["big.bin"], h.FilesIn(h.Destination));
        h.AssertFetched("big.bin");
    }

    private static string ChildPath =>
        Path.Combine(RepositoryRoot.Path, "tests", "ReleaseTargets.PushProcess", "bin", new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0", "ReleaseTargets.PushProcess.dll");
}
