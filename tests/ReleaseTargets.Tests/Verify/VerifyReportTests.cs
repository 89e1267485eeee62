using System.Text.Json;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Reporting;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Verify;

/// <summary>The verification's report, written like the push's: JSON in the state folder, a table appended to the step summary.</summary>
[Collection("Azurite")]
public sealed class VerifyReportTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task WriteAsync_VerifyWithAMissingBlob_WritesJsonAndAppendsATableRowNamingIt()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("a.bin", 700), ("b|c.txt", 10));
        await h.PushAsync();
        await h.Direct.GetBlobClient($"{h.Version}/a.bin").DeleteAsync();
        var result = await VerifyHarness.VerifyAsync(azurite, h.Version, download: true);
        var folder = Path.Combine(h.ArtifactsDirectory, "..", "state");
        var summary = Path.Combine(folder, "..", "step-summary.md");
        await File.WriteAllTextAsync(summary, "earlier step\n");

        await PushReportWriter.WriteAsync(result, new Redactor(), Path.Combine(folder, PushReportWriter.VerifyJsonFileName), summary);

        var markdown = await File.ReadAllTextAsync(summary);
        Assert.StartsWith("earlier step\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"### Release {h.Version} — verify failed: Mismatch", markdown, StringComparison.Ordinal);
        Assert.Contains($"| `'a.bin'` | is not in storage (no committed blob '{h.Version}/a.bin') |", markdown, StringComparison.Ordinal);
        Assert.Contains("2 artifacts checked: every byte read and hashed (MD5, and SHA-256 where the manifest has one); 10 B downloaded;", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "verify-report.json")));
        Assert.Equal("Mismatch", json.RootElement.GetProperty("status").GetString());
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(10, json.RootElement.GetProperty("bytesDownloaded").GetInt64());
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("'a.bin'", finding.GetProperty("name").GetString());
        Assert.DoesNotContain("sig=", markdown + json.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMarkdown_ProblemWithAPipe_StaysInItsCell()
    {
        var result = new ReleaseTargets.Verify.VerifyReport("1.0", ReleaseTargets.Verify.VerifyStatus.Mismatch, [new("'a|b'", "is x | y")], 1, 0, new Uri("https://h/c/1.0/release-manifest.json"), false, [], TimeSpan.FromSeconds(1), 0);

        var markdown = PushReportWriter.ToMarkdown(result, new Redactor());

        Assert.Contains("| `'a\\|b'` | is x \\| y |", markdown, StringComparison.Ordinal);
    }
}
