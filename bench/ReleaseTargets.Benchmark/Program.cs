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

// Issue 14: an image push against skopeo copy on local docker-registries (also --scenarios=image; needs no Azurite).
if (args.Length > 0 && args[0] == ImagePushScenario.Verb)
{
    return await ImagePushScenario.RunAsync(args, Console.Out);
}

// Hand profiling: one Azurite, kept running until standard input closes.
if (args.Length > 0 && args[0] == ServeVerb.Verb)
{
    return await ServeVerb.RunAsync(RepositoryRoot.Find(), Console.Out);
}

BenchmarkSettings settings;
try
{
    settings = BenchmarkSettings.Parse(args, RepositoryRoot.Find());
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 2;
}

// Issue 13's scenario runs on an Azurite of its own and writes shards.json beside results.json.
var exitCode = 0;
if (settings.Scenarios.Any(s => s is not (ShardScenario.Name or FetchScenario.Name or ScaleScenario.Name)))
{
    exitCode = await BenchmarkRunner.RunAsync(settings, Console.Out) is null ? 1 : 0;
}

if (exitCode == 0 && settings.Scenarios.Contains(ShardScenario.Name))
{
    exitCode = await ShardScenario.RunStandaloneAsync(settings, Console.Out);
}

// Issue 22's scenario runs on an Azurite of its own and writes fetch.json.
if (exitCode == 0 && settings.Scenarios.Contains(FetchScenario.Name))
{
    exitCode = await FetchScenario.RunStandaloneAsync(settings, Console.Out);
}

// Issue 23's scenario starts a fresh Azurite per file count and writes scale.json.
if (exitCode == 0 && settings.Scenarios.Contains(ScaleScenario.Name))
{
    exitCode = await ScaleScenario.RunStandaloneAsync(settings, Console.Out);
}

// Issue 14's scenario runs on docker-registries of its own and writes image-push.json.
if (exitCode == 0 && settings.Scenarios.Contains(ImagePushScenario.Verb))
{
    string[] imageArgs = [$"--repetitions={settings.CleanRepetitions}", $"--layer-mib={(settings.Mode == "smoke" ? 4 : 100)}"];
    exitCode = await ImagePushScenario.RunAsync(imageArgs, Console.Out);
}

return exitCode;
