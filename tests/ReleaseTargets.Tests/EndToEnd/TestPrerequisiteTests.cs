namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>
/// <c>./build.sh Test</c> on a machine without what the tests need: it names the missing piece and the command that
/// installs it, before anything is built or run (as root on Debian it installs them instead; CI takes that path).
/// </summary>
[Collection("EndToEnd")]
public sealed class TestPrerequisiteTests
{
    [Fact]
    public async Task BuildShTest_SkopeoMissingAndNoInstall_StopsFirstNamingItAndTheInstallCommand()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();
        var bin = ToolFolder(scratch, "dirname", "node", "npm", "docker-registry", "htpasswd");

        var (exitCode, output) = await scratch.RunAsync("/bin/bash", "build.sh Test", new Dictionary<string, string>
        {
            ["PATH"] = bin,
            ["RELEASETARGETS_NO_INSTALL"] = "1",
        }, TimeSpan.FromMinutes(1));

        Assert.Equal(1, exitCode);
        Assert.Equal(
            "The tests need skopeo, not found on this machine; install them with: sudo apt-get install -y skopeo",
            output.Trim());
        Assert.False(Directory.Exists(Path.Combine(scratch.Root, ".nuke", "temp", "module")), "nothing was published before the check");
    }

    [Fact]
    public async Task Prerequisites_AllPresent_PrintNothing()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var (exitCode, output) = await scratch.RunAsync("/bin/bash", "build/test-prerequisites.sh", new Dictionary<string, string> { ["RELEASETARGETS_NO_INSTALL"] = "1" }, TimeSpan.FromMinutes(1));

        Assert.Equal(0, exitCode);
        Assert.Equal("", output.Trim());
    }

    /// <summary>A PATH of links to just these programs (the machine has all of them; the test leaves one out).</summary>
    private static string ToolFolder(ScratchRepository scratch, params string[] programs)
    {
        var bin = Path.Combine(scratch.Root, "limited-bin");
        Directory.CreateDirectory(bin);
        foreach (var program in programs)
        {
            var found = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"'{program}' is not on this machine's PATH; build/test-prerequisites.sh installs it.");
            File.CreateSymbolicLink(Path.Combine(bin, program), found);
        }

        return bin;
    }
}
