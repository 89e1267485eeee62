using ReleaseTargets.Composition;

// dotnet run -- Push --release-version=1.4.2   (targets: Build, RefreshCredentials, Push, Seal, Verify, Fetch)
return await ReleaseBuild.RunAsync(args, async (options, cancellationToken) =>
{
    // The build's own work: leave the release's files in the artifacts folder (an absolute path under the root).
    var artifacts = Directory.CreateDirectory(options.ArtifactsDirectory).FullName;
    await File.WriteAllTextAsync(Path.Combine(artifacts, "notes.txt"), "code-first release notes", cancellationToken);
    await File.WriteAllBytesAsync(Path.Combine(artifacts, "app.bin"), new byte[300_000], cancellationToken);
}, settings => settings.ReleaseVersion = "3.0.0-codefirst");
