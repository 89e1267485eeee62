using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Steps;

/// <summary>
/// Where a run's exceptions leave it: every <see cref="ReleaseTargetsException"/> that crosses carries the run's redactor,
/// so its <see cref="ReleaseTargetsException.Message"/> masks the secrets this run registered wherever the caller prints it.
/// </summary>
internal static class RunBoundary
{
    public static async Task<T> LeavingAsync<T>(this Redactor redactor, Func<Task<T>> entry)
    {
        try
        {
            return await entry();
        }
        catch (ReleaseTargetsException exception)
        {
            exception.RedactWith(redactor);
            throw;
        }
    }

    public static Task LeavingAsync(this Redactor redactor, Func<Task> entry) =>
        redactor.LeavingAsync(async () =>
        {
            await entry();
            return true;
        });

    public static void Leaving(this Redactor redactor, Action entry)
    {
        try
        {
            entry();
        }
        catch (ReleaseTargetsException exception)
        {
            exception.RedactWith(redactor);
            throw;
        }
    }
}
