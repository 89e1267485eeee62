using Azure.Storage.Blobs.Models;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Faults;

/// <summary>
/// Issue 21's names: no file is dropped silently, the tool's report never replaces a user's file, the one root name that
/// would stand beside the manifest is refused, blob names over the service's limit and a state folder the globs reach are
/// refused before any credential, and look-alike names are published with a warning. Real pushes into Azurite.
/// </summary>
[Collection("Azurite")]
public sealed class ArtifactNameTrustTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Push_FilesNamedLikeTheToolsOutputsInSubfoldersAndAnyCase_ArePublishedAndTheUsersReportSurvives()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        string[] names = ["push-report.json", "sub/push-report.json", "sub/Push-Report.JSON", "sub/release-manifest.json", "deep/er/RELEASE-MANIFEST.json", "_Shards.txt"];
        foreach (var name in names)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(h.PathOf(name))!);
            await File.WriteAllTextAsync(h.PathOf(name), $"the user's own {name}");
        }

        var before = await File.ReadAllBytesAsync(h.PathOf("push-report.json"));

        var report = await h.PushAsync();

        Assert.Equal(names.Length + 1, report.Artifacts.Count);
        Assert.Contains($"Push complete: {names.Length + 1} artifacts", h.Log.Text, StringComparison.Ordinal);
        await h.AssertManifestCompleteAsync([.. names, "app.bin"]);
        Assert.Equal(before, await File.ReadAllBytesAsync(h.PathOf("push-report.json")));
        Assert.Contains($"\"version\": \"{h.Version}\"", await File.ReadAllTextAsync(h.ReportPath), StringComparison.Ordinal);
        Assert.Contains(h.Log.Lines, l => l.Level == ReleaseLogLevel.Warning && l.Message.StartsWith("'push-report.json' is published as an artifact. The push no longer writes its report into ArtifactsDirectory", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("release-manifest.json")]
    [InlineData("Release-Manifest.JSON")]
    public async Task Push_RootFileNamedLikeTheManifestInAnyCase_IsRefusedBeforeAnyCredential(string name)
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300), (name, 20));

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"'{name}' cannot be published: at the root of the release, 'release-manifest.json' (in any case) is the name of the release manifest", error.Message, StringComparison.Ordinal);
        Assert.Null(h.LastRun!.SasWindow);
        Assert.Empty(h.Proxy.Requests);
    }

    [Theory]
    [InlineData("_shards/x.json", "the folder '_shards/' is reserved for the records of a sharded release")]
    [InlineData("_ReleaseTargets/claims.json", "the folder '_releasetargets/' is reserved for this tool's claims and history")]
    public async Task Push_FileInAReservedFolderInAnyCase_IsRefusedBeforeAnyCredential(string name, string why)
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        Directory.CreateDirectory(Path.GetDirectoryName(h.PathOf(name))!);
        await File.WriteAllTextAsync(h.PathOf(name), "not a record");

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains($"'{name}' cannot be published: {why}.", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Proxy.Requests);
    }

    [Fact]
    public async Task Push_BlobNameOf1025Characters_IsRefusedBeforeAnyCredentialAnd1024IsNot()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        var folders = string.Join('/', Enumerable.Repeat(new string('d', 200), 4));
        var prefix = h.Version.Length + 1 + folders.Length + 1;
        var tooLong = $"{folders}/{new string('x', 1025 - prefix - 4)}.txt";
        var longest = $"{folders}/{new string('y', 1024 - prefix - 4)}.txt";
        Directory.CreateDirectory(h.PathOf(folders));
        await File.WriteAllTextAsync(h.PathOf(tooLong), "too long");
        await File.WriteAllTextAsync(h.PathOf(longest), "just fits");
        Assert.Equal(1025, $"{h.Version}/{tooLong}".Length);

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync());

        Assert.Contains("1 file(s) under ArtifactsDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{tooLong}' cannot be published: its blob name '{h.Version}/…' is 1,025 characters long; Azure allows at most 1,024 (the version prefix included)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(longest, error.Message, StringComparison.Ordinal);
        Assert.Null(h.LastRun!.SasWindow);
        Assert.Empty(h.Proxy.Requests);
        Assert.Empty(await StoredAsync(h));
    }

    [Fact]
    public async Task Push_StateFolderInsideTheArtifactsFolder_IsRefusedNamingBothParametersUnlessTheGlobsExcludeIt()
    {
        await using var h = await PushHarness.StartAsync(azurite, ("app.bin", 300));
        var state = Path.Combine(h.ArtifactsDirectory, ".state");

        var error = await Assert.ThrowsAnyAsync<ReleaseTargetsException>(() => h.PushAsync(h.Options(o => o.StateDirectory = state)));

        Assert.StartsWith($"--state-directory '{state}' is inside --artifacts-directory '{h.ArtifactsDirectory}' and the --artifacts globs '**/*' reach it", error.Message, StringComparison.Ordinal);
        Assert.Contains("exclude it with --artifacts=\"**/*;!.state/**\"", error.Message, StringComparison.Ordinal);
        Assert.Null(h.LastRun!.SasWindow);
        Assert.Empty(h.Proxy.Requests);
        Assert.Empty(await StoredAsync(h));

        // Globs that do not reach it: the push runs, and publishes none of the state.
        await h.PushAsync(h.Options(o => (o.StateDirectory, o.Artifacts) = (state, "**/*;!.state/**")));
        await h.AssertManifestCompleteAsync("app.bin");
    }

    [Fact]
    public async Task Push_LookAlikeNames_ArePublishedEachWithAWarningNamingThem()
    {
        const string composed = "caf\u00e9.txt";
        const string decomposed = "cafe\u0301.txt";
        await using var h = await PushHarness.StartAsync(azurite, (composed, 10), (decomposed, 11), ("README.md", 12), ("readme.md", 13), ("trail.txt ", 14));

        await h.PushAsync();

        await h.AssertManifestCompleteAsync(composed, decomposed, "README.md", "readme.md", "trail.txt ");
        var warnings = h.Log.Lines.Where(l => l.Level == ReleaseLogLevel.Warning).Select(l => l.Message).ToList();
        Assert.Contains($"'{decomposed}' and '{composed}' are the same name after Unicode normalization (NFC) but are published as 2 different blobs; rename all but one if that was not meant.", warnings);
        Assert.Contains("'README.md' and 'readme.md' differ only in case and are published as different blobs; a case-insensitive file system keeps only one of them when the release is downloaded.", warnings);
        Assert.Contains("'trail.txt ' is published with a path segment ending in a space ('trail.txt '); tools that trim names show it as 'trail.txt'. Rename it if that was not meant.", warnings);
        Assert.Equal(3, warnings.Count);
    }

    private static async Task<List<string>> StoredAsync(PushHarness h)
    {
        var names = new List<string>();
        if (!(await h.Direct.ExistsAsync()).Value)
        {
            return names;
        }

        await foreach (var item in h.Direct.GetBlobsAsync(new GetBlobsOptions { Prefix = h.Version + "/" }))
        {
            names.Add(item.Name);
        }

        return names;
    }
}
