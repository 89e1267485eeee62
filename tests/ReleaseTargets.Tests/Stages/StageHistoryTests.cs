using ReleaseTargets.Diagnostics;
using ReleaseTargets.Stages;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Stages;

public sealed class StageHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Origin = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "releasetargets-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Constructor_Default_KeepsTwentyRuns()
    {
        Assert.Equal(20, new StageHistory().Keep);
        Assert.Equal(20, StageHistory.DefaultKeep);
    }

    [Fact]
    public void Add_MoreRunsThanKeep_KeepsNewestOldestFirst()
    {
        var history = new StageHistory(keep: 3);

        for (var day = 0; day < 5; day++)
        {
            history.Add(Run("Push", day));
        }

        Assert.Equal([Run("Push", 2), Run("Push", 3), Run("Push", 4)], history.For("Push"));
    }

    [Fact]
    public void Add_OutOfOrder_IsSortedByStart()
    {
        var history = new StageHistory();

        history.Add(Run("Build", 2));
        history.Add(Run("Build", 0));
        history.Add(Run("Build", 1));

        Assert.Equal([Run("Build", 0), Run("Build", 1), Run("Build", 2)], history.For("Build"));
    }

    [Fact]
    public void Add_SameStageAndStart_ReplacesTheRecord()
    {
        var history = new StageHistory();

        history.Add(Run("Push", 0, seconds: 10));
        history.Add(Run("Push", 0, seconds: 20));

        Assert.Equal([Run("Push", 0, seconds: 20)], history.For("Push"));
    }

    [Fact]
    public void For_KeepsStagesApartAndIgnoresCase()
    {
        var history = new StageHistory(keep: 1);

        history.Add(Run("Build", 0));
        history.Add(Run("Push", 0));

        Assert.Equal([Run("Push", 0)], history.For("push"));
        Assert.Equal([Run("Build", 0)], history.For("Build"));
        Assert.Empty(history.For("RefreshCredentials"));
        Assert.Equal(["Build", "Push"], history.Stages);
    }

    [Fact]
    public void Merge_TwoAgentsHistories_UnionsByStageAndStartKeepingNewest()
    {
        var mine = new StageHistory(keep: 4);
        var theirs = new StageHistory(keep: 20);
        foreach (var day in new[] { 0, 2, 4 })
        {
            mine.Add(Run("Push", day));
        }

        foreach (var day in new[] { 1, 2, 3, 5 })
        {
            theirs.Add(Run("Push", day, seconds: day == 2 ? 999 : 60));
        }

        theirs.Add(Run("Build", 5));

        mine.Merge(theirs);

        // Day 2 is the same run in both; this history's copy stays. Days 0 and 1 are the oldest and fall out.
        Assert.Equal([Run("Push", 2), Run("Push", 3), Run("Push", 4), Run("Push", 5)], mine.For("Push"));
        Assert.Equal([Run("Build", 5)], mine.For("Build"));
        Assert.Equal(4, theirs.For("Push").Count);
    }

    [Fact]
    public void ToJson_FromJson_RoundTripsEveryField()
    {
        var history = new StageHistory();
        history.Add(new StageRecord("Push", Origin, TimeSpan.FromTicks(1_234_567_891), StageOutcome.Succeeded, 5_000_000_000, 42));
        history.Add(new StageRecord("Build", Origin.AddHours(-1).ToOffset(TimeSpan.FromHours(2)), TimeSpan.FromMinutes(3), StageOutcome.Failed));

        var copy = StageHistory.FromJson(history.ToJson(), keep: 5);

        Assert.Equal(history.For("Push"), copy.For("Push"));
        Assert.Equal(history.For("Build"), copy.For("Build"));
        Assert.Equal(5, copy.Keep);
    }

    [Fact]
    public void FromJson_MoreRecordsThanKeep_KeepsNewest()
    {
        var history = new StageHistory();
        for (var day = 0; day < 5; day++)
        {
            history.Add(Run("Push", day));
        }

        var copy = StageHistory.FromJson(history.ToJson(), keep: 2);

        Assert.Equal([Run("Push", 3), Run("Push", 4)], copy.For("Push"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("""{"version":1}""")]
    [InlineData("""{"version":2,"records":[]}""")]
    [InlineData("""{"version":1,"records":[{"startedAt":"2026-11-01T09:00:00+00:00","duration":"00:01:00","outcome":"Succeeded"}]}""")]
    [InlineData("""{"version":1,"records":[{"stage":"Push","startedAt":"2026-11-01T09:00:00+00:00","duration":"-00:01:00","outcome":"Succeeded"}]}""")]
    public void FromJson_InvalidDocument_ThrowsReleaseTargetsException(string json)
    {
        Assert.Throws<ReleaseTargetsException>(() => StageHistory.FromJson(json, keep: 20));
    }

    [Fact]
    public void Load_MissingFile_IsEmptyWithoutWarning()
    {
        var log = new CapturingLog();

        var history = StageHistory.Load(Path.Combine(_directory, "missing.json"), keep: 7, log);

        Assert.Empty(history.Stages);
        Assert.Equal(7, history.Keep);
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void Load_CorruptFile_WarnsOnceAndIsEmpty()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "stages.json");
        File.WriteAllText(path, "{\"version\":1,\"records\":[{\"stage\":");
        var log = new CapturingLog();

        var history = StageHistory.Load(path, keep: 20, log);

        Assert.Empty(history.Stages);
        var line = Assert.Single(log.Lines);
        Assert.Equal(ReleaseLogLevel.Warning, line.Level);
        Assert.StartsWith($"Stage history '{path}' is unreadable and is ignored: Stage history is not valid JSON: ", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerFormatVersion_WarnsOnceWithTheReason()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "stages.json");
        File.WriteAllText(path, """{"version":9,"records":[]}""");
        var log = new CapturingLog();

        var history = StageHistory.Load(path, keep: 20, log);

        Assert.Empty(history.Stages);
        Assert.Equal(
            [(ReleaseLogLevel.Warning, $"Stage history '{path}' is unreadable and is ignored: Stage history has format version '9'; this version of ReleaseTargets reads version 1.")],
            log.Lines);
    }

    [Fact]
    public void Load_PathIsADirectory_WarnsOnceAndIsEmpty()
    {
        var path = Path.Combine(_directory, "stages.json");
        Directory.CreateDirectory(path);
        var log = new CapturingLog();

        var history = StageHistory.Load(path, keep: 20, log);

        Assert.Empty(history.Stages);
        var line = Assert.Single(log.Lines);
        Assert.Equal(ReleaseLogLevel.Warning, line.Level);
        Assert.StartsWith($"Stage history '{path}' is unreadable and is ignored: ", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_IntoMissingDirectory_CreatesItAndLoadRoundTrips()
    {
        var path = Path.Combine(_directory, "nested", ".nuke", "temp", "stages.json");
        var history = new StageHistory();
        history.Add(Run("Push", 0));
        history.Add(Run("Push", 1));

        history.Save(path);
        var loaded = StageHistory.Load(path, keep: 20, new CapturingLog());

        Assert.Equal(history.For("Push"), loaded.For("Push"));
        Assert.Equal(["stages.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesItWholly()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "stages.json");
        File.WriteAllText(path, new string('x', 100_000));
        var history = new StageHistory();
        history.Add(Run("Build", 3));

        history.Save(path);

        Assert.Equal(history.ToJson(), File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Save_TargetIsADirectory_ThrowsNamingTheFileAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_directory, "stages.json");
        Directory.CreateDirectory(path);

        var exception = Assert.Throws<ReleaseTargetsException>(() => new StageHistory().Save(path));

        Assert.StartsWith($"Could not write the stage history '{path}': ", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    private static StageRecord Run(string stage, int day, double seconds = 60) =>
        new(stage, Origin.AddDays(day), TimeSpan.FromSeconds(seconds), StageOutcome.Succeeded, stage == "Push" ? 1000 : null, stage == "Push" ? 1 : null);
}
