// This repository's own build: Build (pack the module into artifacts/), Test, Benchmark — composed with
// ReleaseTargets' RefreshCredentials and Push exactly as any other Cake build would compose them.
#r "../.nuke/temp/module/ReleaseTargets.Cake.dll"
#load "../.nuke/temp/module/ReleaseTargets.cake"

var configuration = Argument("configuration", "Release");
var artifacts = MakeAbsolute(Directory("../artifacts"));

var release = UseReleaseTargets(settings =>
{
    // Local runs get a unique prerelease version: a published release is immutable.
    settings.ReleaseVersion = $"0.1.0-local.{DateTime.UtcNow:yyyyMMddHHmmss}";
    settings.ArtifactsDirectory = "artifacts";
    settings.BuildArguments.Add("configuration");
    // Passed through to the Benchmark task's program, not ReleaseTargets parameters.
    foreach (var name in new[] { "smoke", "repetitions", "output", "azurite-install-directory", "scenarios", "azcopy-payloads", "scale-files" })
    {
        settings.BuildArguments.Add(name);
    }
});

Task("Build")
    .Description("Restores, compiles and packs the ReleaseTargets module into artifacts/.")
    .Does(() =>
{
    CleanDirectory(artifacts);
    foreach (var project in new[] { "../src/ReleaseTargets/ReleaseTargets.csproj", "../src/ReleaseTargets.Cake/ReleaseTargets.Cake.csproj" })
    {
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = artifacts,
            NoLogo = true,
            MSBuildSettings = new DotNetMSBuildSettings().SetVersion(release.Options.ReleaseVersion),
        });
    }
});

Task("Test")
    .Description("Runs the whole test suite (unit, real Azurite, fault proxy, end-to-end).")
    .Does(() =>
{
    var results = MakeAbsolute(Directory("../.nuke/temp/test-results"));
    CleanDirectory(results);
    try
    {
        DotNetTest("../ReleaseTargets.sln", new DotNetTestSettings
        {
            Configuration = configuration,
            NoLogo = true,
            ResultsDirectory = results,
            Loggers = { "console;verbosity=normal", "trx;LogFileName=results.trx" },
        });
    }
    finally
    {
        // One plain closing line for CI and humans: "N passed, N failed, N skipped".
        var trx = results.CombineWithFilePath("results.trx").FullPath;
        if (System.IO.File.Exists(trx))
        {
            var counters = System.Xml.Linq.XDocument.Load(trx).Descendants().First(e => e.Name.LocalName == "Counters");
            int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0");
            Information($"{Count("passed")} passed, {Count("failed")} failed, {Count("notExecuted")} skipped");
        }
    }
});

Task("Benchmark")
    .Description("Pushes side by side with the plain Azure SDK and AzCopy on a local Azurite (issues 5, 12); --smoke, --repetitions=N, --scenarios=a,b, --azcopy-payloads=i,j, --scale-files=N,N, --output=PATH.")
    .Does(() =>
{
    var arguments = new ProcessArgumentBuilder();
    if (HasArgument("smoke"))
    {
        arguments.Append("--smoke");
    }

    foreach (var name in new[] { "repetitions", "output", "azurite-install-directory", "scenarios", "azcopy-payloads", "scale-files" })
    {
        if (HasArgument(name))
        {
            arguments.Append($"--{name}={Argument<string>(name)}");
        }
    }

    DotNetRun("../bench/ReleaseTargets.Benchmark/ReleaseTargets.Benchmark.csproj", arguments, new DotNetRunSettings { Configuration = "Release" });
});

RunReleaseTarget("Push");
