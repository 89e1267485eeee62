using System.Diagnostics;

namespace ReleaseTargets.Tests.Infrastructure;

internal static class Processes
{
    /// <summary>Whether the process with this id is gone (or has exited and not yet been reaped).</summary>
    public static bool HasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
