using ReleaseTargets.Benchmark;

// Child mode: one memory measurement in a fresh process, so the peak working set belongs to that push alone.
if (args.Length > 0 && args[0] == MemoryChild.Verb)
{
    return await MemoryChild.RunAsync(args);
}

// Child mode: one push the resume scenario kills midway.
if (args.Length > 0 && args[0] == PushChild.Verb)
{
    return await PushChild.RunAsync(args);
}

// Issue 13's scenario alone (its own Azurite): --scenario=shards, with --smoke / --repetitions=N as for the rest.
var shardsOnly = args.Contains($"--scenario={ShardScenario.Name}");
BenchmarkSettings settings;
try
{
    settings = BenchmarkSettings.Parse(args.Where(a => a != $"--scenario={ShardScenario.Name}").ToList(), RepositoryRoot.Find());
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 2;
}

if (shardsOnly)
{
    return await ShardScenario.RunStandaloneAsync(settings, Console.Out);
}

var results = await BenchmarkRunner.RunAsync(settings, Console.Out);
return results is null ? 1 : 0;
