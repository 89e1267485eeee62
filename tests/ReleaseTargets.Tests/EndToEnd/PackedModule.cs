using System.Text.RegularExpressions;

namespace ReleaseTargets.Tests.EndToEnd;

/// <summary>The packages <c>./build.sh Build</c> writes (ReleaseTargets and ReleaseTargets.Cake), built once from a scratch copy: the feed a consumer takes the module from.</summary>
public sealed partial class PackedModule : IAsyncLifetime
{
    private readonly ScratchRepository _repository = new();

    /// <summary>The folder holding the .nupkg files.</summary>
    public string FeedDirectory => Path.Combine(_repository.Root, "artifacts");

    /// <summary>The same folder as a Cake NuGet source (<c>file:///…</c>).</summary>
    public string Feed => new Uri(FeedDirectory + "/").AbsoluteUri.TrimEnd('/');

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _repository.WithRepositoryCopy();
        var (exitCode, output) = await _repository.RunAsync("bash", "build.sh Build");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"./build.sh Build failed:\n{output}");
        }

        var package = Directory.GetFiles(Path.Combine(_repository.Root, "artifacts"), "ReleaseTargets.Cake.*.nupkg").Single();
        Version = CakePackage().Match(Path.GetFileName(package)).Groups["version"].Value;
    }

    public Task DisposeAsync()
    {
        _repository.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"^ReleaseTargets\.Cake\.(?<version>.+)\.nupkg$")]
    private static partial Regex CakePackage();
}
