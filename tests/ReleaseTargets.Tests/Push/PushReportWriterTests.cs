using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Reporting;

namespace ReleaseTargets.Tests.Push;

public sealed class PushReportWriterTests
{
    private static readonly PushReport Report = new(
        "1.2.3",
        new Uri("https://127.0.0.1:10000/devstoreaccount1/releases"),
        [new ArtifactResult("big.nupkg", "1.2.3/big.nupkg", new Uri("https://127.0.0.1:10000/devstoreaccount1/releases/1.2.3/big.nupkg"), 300L * 1024 * 1024, "AAAA", ArtifactOutcome.Uploaded, TimeSpan.FromSeconds(2.4), 300L * 1024 * 1024, 38, 0, 0)],
        TimeSpan.FromSeconds(2.5),
        CredentialRenewals: 0,
        SasWindow: "SAS valid 11:03–11:33 UTC (…)",
        Succeeded: true,
        ManifestUrl: null,
        ForecastEstimate: TimeSpan.FromSeconds(151),
        ForecastBasis: "cold start: no comparable pushes in history, 0.1s overhead from 4 small pushes");

    [Fact]
    public void ToJson_WithForecast_RecordsItNextToTheDuration()
    {
        var json = PushReportWriter.ToJson(Report, new Redactor());

        Assert.Contains("\"duration\": \"00:00:02.5000000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"forecastEstimate\": \"00:02:31\"", json, StringComparison.Ordinal);
        Assert.Contains("\"forecastBasis\": \"cold start: no comparable pushes in history, 0.1s overhead from 4 small pushes\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_ReportWithSecrets_WritesWhatToJsonGivesWithEverySecretMasked()
    {
        var redactor = new Redactor();
        redactor.Register("p+ss<word");
        var failed = Report with
        {
            Succeeded = false,
            SasWindow = "window with p+ss<word",
            Artifacts = [Report.Artifacts[0] with { Outcome = ArtifactOutcome.Failed, Error = "server said p+ss<word and sig=abcdef in 'x'" }],
            ManifestUrl = new Uri("https://127.0.0.1:10000/devstoreaccount1/releases/1.2.3/release-manifest.json?sig=secret123"),
        };
        var path = Path.Combine(Path.GetTempPath(), "releasetargets-report-" + Guid.NewGuid().ToString("N"), PushReportWriter.JsonFileName);
        try
        {
            await PushReportWriter.WriteAsync(failed, redactor, path, stepSummaryPath: null);
            var written = await File.ReadAllTextAsync(path);

            Assert.Equal(PushReportWriter.ToJson(failed, redactor), written);
            Assert.DoesNotContain("ss<word", written, StringComparison.Ordinal);
            Assert.DoesNotContain("ss\\u003Cword", written, StringComparison.Ordinal);
            Assert.DoesNotContain("abcdef", written, StringComparison.Ordinal);
            Assert.DoesNotContain("secret123", written, StringComparison.Ordinal);
            Assert.Contains("\"error\": \"server said *** and sig=*** in \\u0027x\\u0027\"", written, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void ToLines_WithForecast_ShowsItBesideTheActualDuration()
    {
        var summary = PushReportWriter.ToLines(Report).Last();

        Assert.Equal("Push complete: 1 artifacts, 300.0 MiB (300.0 MiB sent) in 2.5s (forecast 2m31s), 0 retries, 0 SAS renewals.", summary);
    }
}
