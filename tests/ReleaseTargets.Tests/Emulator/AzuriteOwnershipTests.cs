using System.Diagnostics;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Configuration;
using ReleaseTargets.Diagnostics;
using ReleaseTargets.Emulator;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Emulator;

/// <summary>
/// Issue 10: one emulator per state folder. Real Azurite processes on one state folder; the waiting run's clock is a
/// <see cref="FakeTimeProvider"/>, so its messages are counted exactly and it cannot take over before it is told to.
/// </summary>
public sealed class AzuriteOwnershipTests : IAsyncLifetime
{
    private const string Waiting = "Another run owns the Azurite emulator";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _state = AzuriteFixture.NewStateDirectory();

    // The deadlines below time a start on an installed package, not a first-time npm install on a busy machine.
    public Task InitializeAsync() => AzuriteFixture.EnsureInstalledAsync();

    public Task DisposeAsync()
    {
        AzuriteFixture.DeleteDirectory(_state);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StartAsync_SameStateFolderWhileFirstIsLive_WaitsWithMessageEvery30sAndNeverStopsTheFirst()
    {
        await using var first = await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(_state), new CapturingLog(), TimeProvider.System);
        var firstClient = Container(first);
        await firstClient.CreateIfNotExistsAsync();
        await firstClient.GetBlobClient("before.txt").UploadAsync(BinaryData.FromString("written before the second start"));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var log = new CapturingLog();

        var second = AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(_state), log, time);
        await WaitUntilAsync(() => WaitingLines(log).Count == 1 || second.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(90));

        // One message at once, then one at 30, 60 and 90 s of (fake) waiting.
        var waiting = WaitingLines(log);
        Assert.Equal(4, waiting.Count);
        Assert.Contains($"'{_state}' (Azurite pid {first.ProcessId})", waiting[0], StringComparison.Ordinal);
        Assert.Contains("--state-directory", waiting[0], StringComparison.Ordinal);
        Assert.EndsWith("(waited 1m30s so far). A live emulator is never stopped. To run both builds at once, give this one its own StateDirectory (--state-directory).", waiting[3], StringComparison.Ordinal);
        Assert.False(second.IsCompleted);
        Assert.False(Processes.HasExited(first.ProcessId));
        Assert.Equal("written before the second start", (await firstClient.GetBlobClient("before.txt").DownloadContentAsync()).Value.Content.ToString());
        await firstClient.GetBlobClient("during.txt").UploadAsync(BinaryData.FromString("written while the second waited"));

        await first.DisposeAsync();
        await WaitUntilAsync(() =>
        {
            time.Advance(AzuriteDefaults.OwnerPollInterval);
            return log.Text.Contains("released", StringComparison.Ordinal) || second.IsCompleted;
        });
        await using var next = await second.WaitAsync(Deadline);

        Assert.Equal(4, WaitingLines(log).Count);
        Assert.DoesNotContain("stale", log.Text, StringComparison.OrdinalIgnoreCase);
        var nextClient = Container(next);
        Assert.Equal("written before the second start", (await nextClient.GetBlobClient("before.txt").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("written while the second waited", (await nextClient.GetBlobClient("during.txt").DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task StartAsync_TwoAtTheSameMoment_OneRunsTheOtherWaitsThenTakesOverTheSameData()
    {
        var logs = new[] { new CapturingLog(), new CapturingLog() };
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = logs.Select(log => Task.Run(async () =>
        {
            await go.Task;
            return await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(_state), log, TimeProvider.System);
        })).ToArray();
        go.SetResult();

        var done = await Task.WhenAny(starts).WaitAsync(Deadline);
        var winner = await done;
        var loser = ReferenceEquals(done, starts[0]) ? starts[1] : starts[0];
        AzuriteEmulator? taken = null;
        try
        {
            var loserLog = logs[Array.IndexOf(starts, loser)];
            var winnerLog = logs[Array.IndexOf(starts, done)];

            // Real time here: how many reminders the waiting run printed depends on how long the first start took
            // (a first-time npm install takes ~50 s); the fake-time test above counts them exactly.
            await WaitUntilAsync(() => WaitingLines(loserLog).Count > 0 || loser.IsCompleted, () => $"winner log: {winnerLog.Text} / loser log: {loserLog.Text}");
            Assert.False(loser.IsCompleted);
            var client = Container(winner);
            await client.CreateIfNotExistsAsync();
            await client.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("from the winner"));

            await winner.DisposeAsync();
            taken = await loser.WaitAsync(Deadline);

            Assert.Equal("from the winner", (await Container(taken).GetBlobClient("a.txt").DownloadContentAsync()).Value.Content.ToString());
            Assert.Empty(WaitingLines(winnerLog));
            Assert.DoesNotContain("so far", WaitingLines(loserLog)[0], StringComparison.Ordinal);
            Assert.DoesNotContain(logs, l => l.Text.Contains("stale", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            await winner.DisposeAsync();
            if (taken is not null)
            {
                await taken.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task StartAsync_AzuriteLeftByARunThatDied_IsStoppedAndReplaced()
    {
        // An Azurite serving this data folder whose owner is gone: no one holds the state lock.
        Directory.CreateDirectory(Path.Combine(_state, "data"));
        using var orphan = StartBareAzurite(Path.Combine(_state, "data"));
        await File.WriteAllTextAsync(Path.Combine(_state, "azurite.pid"), orphan.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var log = new CapturingLog();

        await using var emulator = await AzuriteEmulator.StartAsync(AzuriteFixture.CreateOptions(_state), log, new FakeTimeProvider(TimeProvider.System.GetUtcNow()))
            .WaitAsync(Deadline);

        Assert.True(orphan.HasExited);
        Assert.Contains(log.Lines, l => l.Level == ReleaseLogLevel.Warning && l.Message.Contains($"Stopping a stale Azurite (pid {orphan.Id})", StringComparison.Ordinal));
        Assert.Empty(WaitingLines(log));
    }

    [Fact]
    public async Task StartAsync_ReadOnlyStateFolderUsedBefore_FailsAtOnceNamingFolderAndParameter()
    {
        // Used before: the data and install folders exist, as in a clone whose .nuke/temp later became read-only.
        using var folder = ReadOnlyFolder.Create(_state, state =>
        {
            Directory.CreateDirectory(Path.Combine(state, "data"));
            Directory.CreateDirectory(Path.Combine(state, "package"));
        });
        var options = new AzuriteOptions { StateDirectory = folder.Path };

        // The fake clock never moves: anything that waits on a retry delay would never finish.
        var start = AzuriteEmulator.StartAsync(options, new CapturingLog(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var failure = await Assert.ThrowsAsync<ReleaseConfigurationException>(() => start.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.StartsWith($"The state folder '{folder.Path}' is not writable (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("set AzuriteOptions.StateDirectory to a writable folder", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ReadOnlyInstallFolder_FailsAtOnceInsteadOfWaitingForTheInstallLock()
    {
        using var install = ReadOnlyFolder.Create(AzuriteFixture.NewStateDirectory());
        var options = new AzuriteOptions { StateDirectory = _state, InstallDirectory = install.Path };

        // The fake clock never moves: the install lock's retry loop (10 minutes on a real clock) would never finish.
        var start = AzuriteEmulator.StartAsync(options, new CapturingLog(), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var failure = await Assert.ThrowsAsync<ReleaseTargetsException>(() => start.WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.StartsWith($"Cannot lock the Azurite install file '{Path.Combine(install.Path, ".install.lock")}' (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AzuriteOptions.InstallDirectory", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_state, "azurite.pid")));
    }

    [Fact]
    public void ValidatePrerequisites_ReadOnlyStateDirectory_FailsBeforeBuildNamingFolderAndStateDirectoryParameter()
    {
        using var folder = ReadOnlyFolder.Create(_state);
        var run = new ReleaseRun(new ReleaseOptions { ReleaseVersion = "1.0.0", StateDirectory = folder.Path }, new CapturingLog(), TimeProvider.System, new Dictionary<string, string>());

        var failure = Assert.Throws<ReleaseConfigurationException>(run.ValidatePrerequisites);

        Assert.StartsWith($"The state folder '{folder.Path}' is not writable (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("set --state-directory to a writable folder (e.g. --state-directory=", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void ValidatePrerequisites_ReadOnlyEmulatorFolderUnderWritableState_FailsBeforeBuildNamingIt()
    {
        using var azurite = ReadOnlyFolder.Create(Path.Combine(_state, "azurite"));
        var run = new ReleaseRun(new ReleaseOptions { ReleaseVersion = "1.0.0", StateDirectory = _state }, new CapturingLog(), TimeProvider.System, new Dictionary<string, string>());

        var failure = Assert.Throws<ReleaseConfigurationException>(run.ValidatePrerequisites);

        Assert.StartsWith($"The state folder '{azurite.Path}' is not writable (", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--state-directory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureWritable_MissingWritableFolder_CreatesItAndLeavesNoProbe()
    {
        var folder = Path.Combine(_state, "nested", "state");

        StateDirectoryCheck.EnsureWritable(folder, "--state-directory");

        Assert.True(Directory.Exists(folder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public void EnsureWritable_PathUnderARegularFile_NamesFolderAndParameter()
    {
        Directory.CreateDirectory(_state);
        var file = Path.Combine(_state, "a-file");
        File.WriteAllText(file, "x");

        var failure = Assert.Throws<ReleaseConfigurationException>(() => StateDirectoryCheck.EnsureWritable(Path.Combine(file, "state"), "--state-directory"));

        Assert.Contains($"'{Path.Combine(file, "state")}' is not writable", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--state-directory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateLock_HeldByAnotherProcessThatIsKilled_IsReleasedByTheOs()
    {
        // A foreign holder of the same OS lock (flock(1) takes the flock(2) lock .NET takes for FileShare.None); -o keeps
        // the lock in flock itself, not in the sleep it runs, so the holder is exactly one process.
        Directory.CreateDirectory(_state);
        var lockFile = Path.Combine(_state, AzuriteStateLock.FileName);
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-x", "-o", lockFile, "sleep", "600"]))!;
        await WaitUntilAsync(() =>
        {
            using var probe = ExclusiveFile.TryOpen(lockFile);
            return probe is null;
        });
        Assert.Null(ExclusiveFile.TryOpen(lockFile));

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();

        using var mine = ExclusiveFile.TryOpen(lockFile);
        Assert.NotNull(mine);
    }

    private static List<string> WaitingLines(CapturingLog log) =>
        log.Lines.Where(l => l.Level == ReleaseLogLevel.Warning && l.Message.StartsWith(Waiting, StringComparison.Ordinal)).Select(l => l.Message).ToList();

    private static BlobContainerClient Container(AzuriteEmulator emulator)
    {
        var options = new BlobClientOptions { Transport = emulator.CreateTransport() };
        options.Retry.MaxRetries = 0;
        return new BlobServiceClient(emulator.BlobServiceUri, emulator.CreateTokenCredential(), options).GetBlobContainerClient("owned");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string>? describe = null)
    {
        var started = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(started.Elapsed < Deadline, "The condition did not hold within a minute. " + describe?.Invoke());
            await Task.Delay(50);
        }
    }

    private static Process StartBareAzurite(string dataDirectory)
    {
        var script = Path.Combine(AzuriteFixture.SharedInstallDirectory, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        var start = new ProcessStartInfo("node", [script, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dataDirectory, "--skipApiVersionCheck"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start)!;
    }
}
