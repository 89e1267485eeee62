namespace ReleaseTargets.Emulator;

/// <summary>
/// An OS-level exclusive lock on a file: a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>
/// (<c>flock</c> on Unix, a share-mode lock on Windows). The OS releases it when the stream is closed or the process
/// dies, however it dies, so a crashed run never leaves a lock behind.
/// </summary>
internal static class ExclusiveFile
{
    // What FileStream reports when another open file description holds the lock: EWOULDBLOCK (11 on Linux, 35 on
    // macOS and the BSDs) on Unix, ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33) on Windows.
    private const int LinuxWouldBlock = 11;
    private const int BsdWouldBlock = 35;
    private const int SharingViolation = 32;
    private const int LockViolation = 33;

    /// <summary>
    /// Opens (creating when missing) and locks <paramref name="path"/>; <see langword="null"/> when another holder
    /// has it. Any other failure (a read-only or missing folder, no permission) is not a conflict: it is thrown,
    /// because waiting would never end it.
    /// </summary>
    public static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (IsLockConflict(exception))
        {
            return null;
        }
    }

    /// <summary>True only when the open failed because another holder has the file locked.</summary>
    public static bool IsLockConflict(IOException exception)
    {
        // Subclasses (FileNotFoundException, DirectoryNotFoundException, PathTooLongException) are never conflicts.
        if (exception.GetType() != typeof(IOException))
        {
            return false;
        }

        return OperatingSystem.IsWindows()
            ? (exception.HResult & 0xFFFF) is SharingViolation or LockViolation
            : exception.HResult is LinuxWouldBlock or BsdWouldBlock;
    }
}
