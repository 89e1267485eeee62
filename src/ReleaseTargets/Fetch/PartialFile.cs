using System.Text.Json;
using Azure;
using Microsoft.Win32.SafeHandles;

namespace ReleaseTargets.Fetch;

/// <summary>
/// <c>&lt;name&gt;.rtpartial</c>, preallocated and written at offsets, and <c>&lt;name&gt;.rtpartial.json</c>: the ETag,
/// the length, the range size and the ranges written, replaced atomically after each range. A re-run with the same ETag and
/// length fetches only the ranges not listed; anything else starts over.
/// </summary>
internal sealed class PartialFile : IRangeStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _gate = new();
    private readonly SafeFileHandle _handle;
    private readonly HashSet<int> _written;
    private readonly long _length;
    private string? _etag;

    private PartialFile(string path, SafeFileHandle handle, long length, string? etag, HashSet<int> written)
    {
        Path = path;
        _handle = handle;
        _length = length;
        _etag = etag;
        _written = written;
    }

    /// <summary>The partial's path; its state is beside it with <see cref="FetchConstants.StateSuffix"/>.</summary>
    public string Path { get; }

    public string StatePath => StatePathOf(Path);

    public ETag? ETag => _etag is null ? null : new ETag(_etag);

    /// <summary>Ranges an earlier run wrote and this run reuses.</summary>
    public int ResumedRanges { get; private init; }

    public static string StatePathOf(string partialPath) => System.IO.Path.ChangeExtension(partialPath, null) + FetchConstants.StateSuffix;

    /// <summary>Opens the partial for <paramref name="target"/>: resumed when its state matches, else fresh (preallocated).</summary>
    public static PartialFile Open(string target, long length)
    {
        var path = target + FetchConstants.PartialSuffix;
        var state = ReadState(target + FetchConstants.StateSuffix);
        if (state is { RangeSize: FetchConstants.RangeSize } && state.Length == length && state.ETag is { Length: > 0 } && File.Exists(path))
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
            if (RandomAccess.GetLength(handle) == length)
            {
                var written = state.Written.Where(r => r >= 0 && r < RangedBlobReader.RangeCount(length)).ToHashSet();
                return new PartialFile(path, handle, length, state.ETag, written) { ResumedRanges = written.Count };
            }

            handle.Dispose();
        }

        return Fresh(path, length);
    }

    public void Begin(ETag etag)
    {
        lock (_gate)
        {
            // Saved with the first range written: a state without a range resumes nothing.
            _etag = etag.ToString();
            _written.Clear();
        }
    }

    public bool IsWritten(int range)
    {
        lock (_gate)
        {
            return _written.Contains(range);
        }
    }

    public async ValueTask WriteAsync(int range, long offset, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await RandomAccess.WriteAsync(_handle, bytes, offset, cancellationToken);
        lock (_gate)
        {
            _written.Add(range);

            // A file of one range is whole once written: its state would resume nothing (200 × 1 MiB: 400 writes saved).
            if (RangedBlobReader.RangeCount(_length) > 1)
            {
                SaveLocked();
            }
        }
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> bytes, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < bytes.Length)
        {
            var read = await RandomAccess.ReadAsync(_handle, bytes[done..], offset + done, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The partial file '{Path}' is shorter than its state says.");
            }

            done += read;
        }
    }

    /// <summary>Closes the partial and removes both files (a mismatch, or a changed blob).</summary>
    public void Discard()
    {
        Dispose();
        File.Delete(StatePath);
        File.Delete(StatePath + ".tmp");
        File.Delete(Path);
    }

    /// <summary>Closes the partial and moves it onto <paramref name="target"/>, then removes the state.</summary>
    public void MoveTo(string target)
    {
        Dispose();
        File.Move(Path, target, overwrite: true);
        File.Delete(StatePath);
    }

    public void Dispose() => _handle.Dispose();

    private static PartialFile Fresh(string path, long length)
    {
        File.Delete(StatePathOf(path));
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous, preallocationSize: length);
        RandomAccess.SetLength(handle, length);
        return new PartialFile(path, handle, length, etag: null, []);
    }

    private void SaveLocked()
    {
        // Written whole beside the state and renamed over it: a kill leaves the old state or the new one, never half of one.
        var temporary = StatePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new State(_etag, _length, FetchConstants.RangeSize, [.. _written.Order()]), Json));
        File.Move(temporary, StatePath, overwrite: true);
    }

    private static State? ReadState(string statePath)
    {
        try
        {
            return File.Exists(statePath) ? JsonSerializer.Deserialize<State>(File.ReadAllText(statePath), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    private sealed record State(string? ETag, long Length, int RangeSize, int[] Written);
}
