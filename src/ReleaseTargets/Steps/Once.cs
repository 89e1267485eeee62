namespace ReleaseTargets.Steps;

/// <summary>
/// A step's result, produced at most once and shared by every later step that needs it: the sequencer asks for it where it
/// is needed instead of keeping "filled in later" fields. A failed or cancelled attempt is not kept: the next caller tries
/// again (a build engine may run a stage again after a failure).
/// </summary>
internal sealed class Once<T>(Func<CancellationToken, Task<T>> produce)
{
    private readonly Lock _gate = new();
    private Task<T>? _task;

    /// <summary>The result when it was produced successfully; the default otherwise.</summary>
    public bool TryGet(out T result)
    {
        var task = Volatile.Read(ref _task);
        if (task is { IsCompletedSuccessfully: true })
        {
            result = task.Result;
            return true;
        }

        result = default!;
        return false;
    }

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> task;
        lock (_gate)
        {
            if (_task is null || _task.IsFaulted || _task.IsCanceled)
            {
                _task = produce(cancellationToken);
            }

            task = _task;
        }

        return await task;
    }
}
