using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseTargets.Diagnostics;

namespace ReleaseTargets.Stages;

/// <summary>
/// The last <see cref="Keep"/> recorded runs of each stage. Stage names compare case-insensitively, as Cake's
/// task names do. Thread-safe.
/// </summary>
internal sealed class StageHistory
{
    /// <summary>How many runs per stage are kept unless told otherwise: 20.</summary>
    public const int DefaultKeep = Configuration.ReleaseDefaults.HistoryLength;

    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    private readonly Dictionary<string, List<StageRecord>> _byStage = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public StageHistory()
        : this(DefaultKeep)
    {
    }

    public StageHistory(int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Keep = keep;
    }

    /// <summary>How many runs per stage are kept; older ones are dropped.</summary>
    public int Keep { get; }

    /// <summary>The stages that have at least one record.</summary>
    public IReadOnlyList<string> Stages
    {
        get
        {
            lock (_gate)
            {
                return _byStage.Keys.Order(StringComparer.OrdinalIgnoreCase).ToArray();
            }
        }
    }

    /// <summary>The kept runs of <paramref name="stage"/>, oldest first.</summary>
    public IReadOnlyList<StageRecord> For(string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        lock (_gate)
        {
            return _byStage.TryGetValue(stage, out var records) ? records.ToArray() : [];
        }
    }

    /// <summary>Adds a run; a record with the same stage and start replaces the earlier one.</summary>
    public void Add(StageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Stage, nameof(record));
        lock (_gate)
        {
            Insert(record, replace: true);
        }
    }

    /// <summary>
    /// Adds the runs of <paramref name="other"/> that this history does not have (same stage and start = same run),
    /// then keeps the newest <see cref="Keep"/> per stage. Used when CI agents share one history.
    /// </summary>
    public void Merge(StageHistory other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            return;
        }

        var incoming = other.Snapshot();
        lock (_gate)
        {
            foreach (var record in incoming)
            {
                Insert(record, replace: false);
            }
        }
    }

    public string ToJson()
    {
        var document = new HistoryDocument { Version = FormatVersion, Records = Snapshot() };
        return JsonSerializer.Serialize(document, JsonOptions);
    }

    /// <exception cref="ReleaseTargetsException">The text is not a stage history this version can read.</exception>
    public static StageHistory FromJson(string json, int keep)
    {
        ArgumentNullException.ThrowIfNull(json);
        HistoryDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<HistoryDocument>(json, JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new ReleaseTargetsException("Stage history is not valid JSON: " + exception.Message, exception);
        }

        if (document is null || document.Records is null)
        {
            throw new ReleaseTargetsException("Stage history has no records list.");
        }

        if (document.Version != FormatVersion)
        {
            throw new ReleaseTargetsException(string.Create(
                CultureInfo.InvariantCulture,
                $"Stage history has format version '{document.Version}'; this version of ReleaseTargets reads version {FormatVersion}."));
        }

        var history = new StageHistory(keep);
        foreach (var record in document.Records)
        {
            if (record is null || string.IsNullOrWhiteSpace(record.Stage) || record.Duration < TimeSpan.Zero
                || record.Bytes < 0 || record.Files < 0 || !Enum.IsDefined(record.Outcome))
            {
                throw new ReleaseTargetsException("Stage history has an invalid record: " + (record?.ToString() ?? "null") + ".");
            }

            history.Insert(record, replace: true);
        }

        return history;
    }

    /// <summary>
    /// Reads the history at <paramref name="path"/>. A missing file is an empty history. A corrupt or unreadable one
    /// is reported with one warning and treated as empty: timings improve forecasts, they must never fail a release.
    /// </summary>
    public static StageHistory Load(string path, int keep, IReleaseLog log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);

        try
        {
            // Only a path with nothing at all is "no history yet"; a directory in its place is reported.
            return File.Exists(path) || Directory.Exists(path) ? FromJson(File.ReadAllText(path), keep) : new StageHistory(keep);
        }
        catch (Exception exception) when (exception is ReleaseTargetsException or IOException or UnauthorizedAccessException)
        {
            log.Warning($"Stage history '{path}' is unreadable and is ignored: {exception.Message}");
            return new StageHistory(keep);
        }
    }

    /// <summary>
    /// Writes the history to <paramref name="path"/>, creating its directory. The file is written beside the target and
    /// moved over it, so a reader (or a killed build) never sees half a file.
    /// </summary>
    /// <exception cref="ReleaseTargetsException">The file could not be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        var temporary = fullPath + "." + Path.GetRandomFileName() + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            File.WriteAllText(temporary, ToJson());
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ReleaseTargetsException($"Could not write the stage history '{path}': {exception.Message}", exception);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The write already failed; a leftover temporary file is harmless and the original error matters more.
        }
    }

    private List<StageRecord> Snapshot()
    {
        lock (_gate)
        {
            return _byStage.Values.SelectMany(records => records).ToList();
        }
    }

    // Callers hold _gate (or own the instance exclusively).
    private void Insert(StageRecord record, bool replace)
    {
        if (!_byStage.TryGetValue(record.Stage, out var records))
        {
            records = [];
            _byStage.Add(record.Stage, records);
        }

        var existing = records.FindIndex(r => r.StartedAt == record.StartedAt);
        if (existing >= 0)
        {
            if (replace)
            {
                records[existing] = record;
            }

            return;
        }

        // Oldest first; records usually arrive in order, so this is an append.
        var index = records.Count;
        while (index > 0 && records[index - 1].StartedAt > record.StartedAt)
        {
            index--;
        }

        records.Insert(index, record);
        if (records.Count > Keep)
        {
            records.RemoveRange(0, records.Count - Keep);
        }
    }

    private sealed class HistoryDocument
    {
        public int Version { get; set; }

        public List<StageRecord>? Records { get; set; }
    }
}
