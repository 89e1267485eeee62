namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>Bad values on the real <c>./build.sh</c>: refused together, before the Build stage and before any credential is minted.</summary>
[Collection("EndToEnd")]
public sealed class BadParameterTests
{
    [Fact]
    public async Task Push_SeveralBadValues_FailsBeforeBuildNamingEveryParameter()
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();

        var (exitCode, output) = await scratch.RunAsync("bash", "build.sh Push --block-size-mi-b=2048 --retry-base-delay=1e20s --storage-url=http://127.0.0.1:9");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--block-size-mi-b '2048' is not a whole number from 1 to 1024", output, StringComparison.Ordinal);
        Assert.Contains("--retry-base-delay '1e20s' is not a duration from 0s to 5m", output, StringComparison.Ordinal);
        Assert.Contains("--storage-url 'http://127.0.0.1:9' must use https", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage Build", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(scratch.Root, "artifacts")), output);
        Assert.DoesNotContain("SAS valid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("overflow", output, StringComparison.OrdinalIgnoreCase);
    }
}
