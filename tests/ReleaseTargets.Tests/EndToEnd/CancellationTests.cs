using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>
/// Issue 10: a real SIGINT / SIGTERM to <c>./build.sh Push</c> mid-push cancels the release in order — non-zero exit, the
/// cancellation line, no manifest, no Azurite left running — and a re-run resumes from the blocks already staged.
/// </summary>
[Collection("EndToEnd")]
public sealed partial class CancellationTests(ITestOutputHelper output)
{
    private const int BlockBytes = 1024 * 1024;
    private const int PayloadBytes = 128 * BlockBytes;

    // 1 MiB blocks one at a time: 128 requests over several seconds, so the signal lands mid-push with blocks staged.
    private const string PushArguments = "build.sh Push --exclusive --release-version=3.0.0-cancel --block-size-mi-b=1 --concurrency=1 --progress-interval=1s";

    [Theory]
    [InlineData("SIGINT", 2)]
    [InlineData("SIGTERM", 15)]
    public async Task Push_SignalMidPush_StopsWithoutPublishingStopsAzuriteAndReRunResumes(string name, int signal)
    {
        using var scratch = new ScratchRepository().WithRepositoryCopy();
        var artifacts = Path.Combine(scratch.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        var payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "payload.nupkg"), payload);

        var cancelled = await RunAndSignalAsync(scratch.Root, "bash " + PushArguments, signal);

        output.WriteLine($"{name}: signal → exit {cancelled.SignalToExit.TotalSeconds:0.00} s, exit code {cancelled.ExitCode}");
        Assert.True(cancelled.ExitCode != 0, cancelled.Output);
        Assert.True(cancelled.SignalToExit < TimeSpan.FromSeconds(30), $"{cancelled.SignalToExit}\n{cancelled.Output}");
        Assert.Contains($"Cancelling the release ({name}): in-flight requests are being cancelled; staged blocks are kept and a re-run resumes.", cancelled.Output, StringComparison.Ordinal);
        Assert.Contains("Push of release '3.0.0-cancel' was cancelled after sending ", cancelled.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("was cancelled after sending 0 B", cancelled.Output, StringComparison.Ordinal);
        Assert.Contains("re-run the push to resume", cancelled.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release manifest:", cancelled.Output, StringComparison.Ordinal);
        var report = ReadReport(artifacts);
        Assert.False(report.GetProperty("succeeded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("manifestUrl").ValueKind);
        Assert.Empty(AzuriteProcessesOn(Path.Combine(scratch.Root, ".nuke/temp/azurite/data")));

        var (exitCode, rerun) = await scratch.RunAsync("env", "--default-signal=INT,TERM bash " + PushArguments);

        Assert.True(exitCode == 0, rerun);
        Assert.Contains("Release manifest: ", rerun, StringComparison.Ordinal);
        var resumed = ReadReport(artifacts);
        var artifact = resumed.GetProperty("artifacts")[0];
        var reused = artifact.GetProperty("blocksReused").GetInt32();
        var sent = artifact.GetProperty("bytesSent").GetInt64();
        output.WriteLine($"{name}: re-run reused {reused} of {artifact.GetProperty("blocksTotal").GetInt32()} blocks, sent {sent} of {PayloadBytes} bytes");
        Assert.True(resumed.GetProperty("succeeded").GetBoolean());
        Assert.Equal(0, resumed.GetProperty("retries").GetInt32());
        Assert.InRange(reused, 1, 127);
        Assert.Equal(PayloadBytes - ((long)reused * BlockBytes), sent);
    }

    /// <summary>Runs <paramref name="commandLine"/>, sends <paramref name="signal"/> once it prints push progress, and waits for it to exit.</summary>
    internal static async Task<(int ExitCode, string Output, TimeSpan SignalToExit)> RunAndSignalAsync(string workingDirectory, string commandLine, int signal)
    {
        // `env --default-signal` undoes an inherited "ignore SIGINT" (e.g. a test host started in the background by a
        // shell without job control), which would make this test pass or fail for reasons outside the build.
        var start = new ProcessStartInfo("env", "--default-signal=INT,TERM " + commandLine)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NO_COLOR"] = "1";
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("RELEASETARGETS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }

        var text = new StringBuilder();
        var pushing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (text)
            {
                text.AppendLine(line);
            }

            if (ProgressLine().IsMatch(line))
            {
                pushing.TrySetResult();
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await Task.WhenAny(pushing.Task, process.WaitForExitAsync(timeout.Token));
            Assert.True(pushing.Task.IsCompleted, $"The push never printed progress:\n{text}");
            Assert.Equal(0, Kill(process.Id, signal));
            var signalled = Stopwatch.GetTimestamp();
            await process.WaitForExitAsync(timeout.Token);
            var elapsed = Stopwatch.GetElapsedTime(signalled);
            process.WaitForExit();
            lock (text)
            {
                return (process.ExitCode, text.ToString(), elapsed);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The push report, in the state folder beside the artifacts folder (.nuke/temp).</summary>
    private static JsonElement ReadReport(string artifacts) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "..", ".nuke", "temp", "push-report.json"))).RootElement.Clone();

    /// <summary>Every process whose command line names <paramref name="dataDirectory"/> (Azurite's <c>--location</c>).</summary>
    internal static List<string> AzuriteProcessesOn(string dataDirectory)
    {
        var found = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(dataDirectory, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(folder)}: {commandLine}");
                }
            }
            catch (IOException)
            {
                // Exited while listed.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    [GeneratedRegex(@"^Push \d+% ")]
    private static partial Regex ProgressLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int processId, int signal);
}
