using System.Diagnostics;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Emulator;

/// <summary>
/// A folder the test process really cannot write to. Permission bits stop an ordinary user but not root (tests may
/// run as root in containers), so root gets a read-only bind mount of the folder onto itself (EROFS, the read-only
/// file system the issue reported), or else the immutable attribute (<c>chattr +i</c>, EPERM). Each mechanism is
/// proved by trying to write a file before the folder is handed out.
/// </summary>
internal sealed class ReadOnlyFolder : IDisposable
{
    private readonly Action _undo;

    private ReadOnlyFolder(string path, string mechanism, Action undo)
    {
        Path = path;
        Mechanism = mechanism;
        _undo = undo;
    }

    public string Path { get; }

    public string Mechanism { get; }

    /// <summary>Creates <paramref name="path"/> (with <paramref name="prepare"/> run while still writable), then makes it read-only.</summary>
    public static ReadOnlyFolder Create(string path, Action<string>? prepare = null)
    {
        Directory.CreateDirectory(path);
        prepare?.Invoke(path);
        var tried = new List<string>();
        if (!Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            if (Refuses(path))
            {
                return new ReadOnlyFolder(path, "chmod 0550", () =>
                {
                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    }
                });
            }

            tried.Add("chmod 0550 (writes still allowed)");
        }

        if (Run("mount", "--bind", path, path) == 0)
        {
            if (Run("mount", "-o", "remount,bind,ro", path) == 0 && Refuses(path))
            {
                return new ReadOnlyFolder(path, "read-only bind mount", () => Run("umount", path));
            }

            Run("umount", path);
            tried.Add("read-only bind mount (remount refused or writes still allowed)");
        }
        else
        {
            tried.Add("bind mount (mount refused: no CAP_SYS_ADMIN?)");
        }

        if (Run("chattr", "+i", path) == 0)
        {
            if (Refuses(path))
            {
                return new ReadOnlyFolder(path, "chattr +i", () => Run("chattr", "-i", path));
            }

            Run("chattr", "-i", path);
            tried.Add("chattr +i (writes still allowed)");
        }
        else
        {
            tried.Add("chattr +i (refused: file system or capability)");
        }

        throw new InvalidOperationException(
            $"This machine offers the test no read-only folder: tried {string.Join("; ", tried)}. Run the tests as a non-root user, or where root may bind-mount or chattr.");
    }

    public void Dispose()
    {
        _undo();
        AzuriteFixture.DeleteDirectory(Path);
    }

    private static bool Refuses(string path)
    {
        try
        {
            File.WriteAllText(System.IO.Path.Combine(path, "probe"), "x");
            File.Delete(System.IO.Path.Combine(path, "probe"));
            return false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static int Run(string tool, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
