using System.Text.Json;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Tests.Infrastructure.FaultProxy;

namespace ReleaseTargets.Tests.Faults;

[Collection("Azurite")]
public sealed class PushReportTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Push_InGitHubActions_WritesMarkdownSummaryAndJsonReport()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("big.bin", (2 * PushHarness.BlockSize) + 1), ("notes.txt", 10));
        var summary = Path.Combine(h.ArtifactsDirectory, "..", "step-summary.md");
        h.Environment["GITHUB_STEP_SUMMARY"] = summary;
        h.Proxy.AddRule(FaultMatch.PutBlock, FaultAction.Status(503, "ServerBusy"), FaultSelection.Nth(1));

        await h.PushAsync();

        var markdown = await File.ReadAllTextAsync(summary);
        Assert.Contains($"### Release {h.Version} — push complete", markdown, StringComparison.Ordinal);
        Assert.Contains("| `big.bin` | 2.0 MiB | Uploaded |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `notes.txt` | 10 B | Uploaded |", markdown, StringComparison.Ordinal);
        Assert.Contains("1 retries; 0 SAS renewals.", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(h.ReportPath));
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(["big.bin", "notes.txt"], json.RootElement.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("name").GetString()).Order());
        Assert.DoesNotContain("sig=", markdown + json.RootElement.GetRawText(), StringComparison.Ordinal);
    }
}
