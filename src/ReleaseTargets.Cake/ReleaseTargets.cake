// ReleaseTargets recipe: adds RefreshCredentials, Push, Seal, Verify and Fetch to a Cake build that has a Build task.
//
//   #r "<module>/ReleaseTargets.Cake.dll"
//   #load "<module>/ReleaseTargets.cake"
//   Task("Build").Does(() => { /* leave artifacts in ./artifacts */ });
//   var release = UseReleaseTargets(s => s.ReleaseVersion = "1.2.3");
//   RunReleaseTarget("Push");

// Resolves and validates every parameter now, before any task runs, and registers the stages.
ReleaseTargets.Composition.ReleaseBuild UseReleaseTargets(Action<ReleaseTargets.Cake.ReleaseTargetsSettings> configure = null)
{
    var settings = new ReleaseTargets.Cake.ReleaseTargetsSettings();
    configure?.Invoke(settings);
    var release = ReleaseTargetsRun(settings);

    Setup(context =>
    {
        // Node.js for the emulator, or the credential source's settings: fail before Build, not after it.
        if (context.TasksToExecute.Any(t => t.Name is "RefreshCredentials" or "Push" or "Seal" or "Verify" or "Fetch"))
        {
            // Ctrl-C / SIGTERM cancel the release in order (requests cancelled, staged blocks kept, emulator stopped).
            release.ListenForSignals();
            release.CheckPrerequisites();
        }

        // With --exclusive Cake still lists the dependencies but runs only the target.
        if (!Settings.Exclusive && context.TasksToExecute.Any(t => string.Equals(t.Name, settings.DependsOn, StringComparison.OrdinalIgnoreCase)))
        {
            release.BeginBuild();
        }
    });
    Teardown(context =>
    {
        try
        {
            release.CompleteAsync(context.Successful).GetAwaiter().GetResult();
        }
        finally
        {
            // Stops the emulator even when CompleteAsync failed before doing so (idempotent).
            release.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    });

    Task("RefreshCredentials")
        .Description("Mints a user-delegation SAS sized to the measured push, right before it.")
        .IsDependentOn(settings.DependsOn)
        .Does(async () => await release.RefreshCredentialsAsync());

    Task("Push")
        .Description("Uploads every artifact (retried, resumable, verified), then the release manifest.")
        .IsDependentOn("RefreshCredentials")
        .Does(async () => await release.PushAsync());

    // The final job of a sharded release (after every Push --shard=<name>): no Build, its own credentials.
    Task("Seal")
        .Description("Waits for every shard (--shards or --shard-count), verifies them and writes the release manifest.")
        .Does(async () => await release.SealAsync());

    // The read side: no Build, a read + list SAS of their own.
    Task("Verify")
        .Description("Checks a published release against its manifest (--download: every byte, MD5 and SHA-256); fails naming every mismatch.")
        .Does(async () => await release.VerifyAsync());

    Task("Fetch")
        .Description("Downloads a published release into --to=DIR (--artifacts filters): resumable, renewed, every file verified before it appears.")
        .Does(async () => await release.FetchAsync());

    return release;
}

// NUKE habit: an unknown target lists the available ones instead of only saying it was not found.
void RunReleaseTarget(string defaultTarget = "Push")
{
    var target = Argument("target", defaultTarget);
    if (!Tasks.Any(t => string.Equals(t.Name, target, StringComparison.OrdinalIgnoreCase)))
    {
        throw new Exception($"Unknown target '{target}'. Available targets: {string.Join(", ", Tasks.Select(t => t.Name))}.");
    }

    RunTarget(target);
}
