// A user's own Cake build: its Build task makes the artifacts; ReleaseTargets adds RefreshCredentials and Push.
// The test fills in the feed (the packages `./build.sh Build` wrote) and their version.
#addin nuget:{{FEED}}?package=ReleaseTargets.Cake&version={{VERSION}}&loaddependencies=true
#load nuget:{{FEED}}?package=ReleaseTargets.Cake&version={{VERSION}}

Task("Build").Does(() =>
{
    EnsureDirectoryExists("artifacts");
    System.IO.File.WriteAllText("artifacts/notes.txt", "consumer release notes");
    System.IO.File.WriteAllBytes("artifacts/app.bin", Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
});

UseReleaseTargets(s => s.ReleaseVersion = "2.0.0-consumer");
RunReleaseTarget("Push");
