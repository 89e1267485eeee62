using ReleaseTargets.Configuration;
using ReleaseTargets.Fetch;
using ReleaseTargets.Tests.Faults;
using ReleaseTargets.Tests.Infrastructure;
using ReleaseTargets.Verify;

namespace ReleaseTargets.Tests.ReadSide;

/// <summary>Verify or Fetch as a later job runs them: a run of its own on the harness's Azurite, data requests through its proxy.</summary>
internal static class ReadRun
{
    public static async Task<(T? Report, ReleaseTargetsException? Failure, CapturingLog Log)> RunAsync<T>(AzuriteFixture azurite, PushHarness harness, ReleaseOptions options, Func<ReleaseRun, Task<T>> stage)
        where T : class
    {
        var log = new CapturingLog();
        var target = new StorageTarget(azurite.Emulator.BlobServiceUri, azurite.Emulator.CreateTokenCredential(), azurite.Emulator.CreatePinnedHandler(), IsEmulator: true)
        {
            DataServiceUri = new Uri(harness.Proxy.BaseUri, "/" + azurite.Emulator.AccountName),
        };
        await using var run = new ReleaseRun(options, log, TimeProvider.System, harness.Environment, target);
        try
        {
            return (await stage(run), null, log);
        }
        catch (ReleaseTargetsException failure)
        {
            return (null, failure, log);
        }
        finally
        {
            await run.CompleteAsync(succeeded: true);
        }
    }

    public static Task<(FetchReport? Report, ReleaseTargetsException? Failure, CapturingLog Log)> FetchAsync(AzuriteFixture azurite, PushHarness harness, ReleaseOptions options) =>
        RunAsync(azurite, harness, options, run => run.FetchAsync());

    public static Task<(VerifyReport? Report, ReleaseTargetsException? Failure, CapturingLog Log)> VerifyAsync(AzuriteFixture azurite, PushHarness harness, ReleaseOptions options) =>
        RunAsync(azurite, harness, options, run => run.VerifyAsync());

    /// <summary>Every file under <paramref name="folder"/>, relative, '/'-separated, sorted.</summary>
    public static List<string> FilesIn(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
            : [];
}
