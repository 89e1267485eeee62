using ReleaseTargets.Diagnostics;
using ReleaseTargets.Push.Publication;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Publication;

/// <summary>How <c>SHA256SUMS</c> is written: create-only and whole, or not at all when an artifact's SHA-256 is unknown.</summary>
public sealed class Sha256SumsWriteTests
{
    private static readonly string Sha = new('a', 64);

    [Fact]
    public async Task WriteAsync_ArtifactRecordedWithoutSha256_SendsNothingAndWarnsNamingIt()
    {
        var service = new ScriptedBlobService();
        var log = new CapturingLog();

        var written = await Sha256Sums.WriteAsync(service.Container, service.Store, "1.0", [new ArtifactContent("new.bin", 1, "M", Sha), new ArtifactContent("old.bin", 2, "N")], log, CancellationToken.None);

        Assert.Null(written);
        Assert.Empty(service.Requests);
        var warning = Assert.Single(log.Lines, l => l.Level == ReleaseLogLevel.Warning).Message;
        Assert.StartsWith("Release '1.0' gets no SHA256SUMS: 1 artifact(s) ('old.bin') were recorded without a SHA-256", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_EverySha256Known_CreatesTheWholeFileOnlyIfAbsent()
    {
        var service = new ScriptedBlobService().ThenCreated("\"0x1\"");

        var written = await Sha256Sums.WriteAsync(service.Container, service.Store, "1.0", [new ArtifactContent("b.bin", 1, "M", Sha), new ArtifactContent("a.bin", 2, "N", Sha)], new CapturingLog(), CancellationToken.None);

        Assert.Equal(service.Container.GetBlobClient("1.0/SHA256SUMS").Uri, written);
        var put = Assert.Single(service.Requests);
        Assert.Equal(("PUT", "*"), (put.Method, put.IfNoneMatch));
        Assert.Equal($"{Sha}  a.bin\n{Sha}  b.bin\n", put.Body);
    }
}
