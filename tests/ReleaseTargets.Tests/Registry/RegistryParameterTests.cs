using ReleaseTargets.Configuration;

namespace ReleaseTargets.Tests.Registry;

/// <summary>The registry parameters: bad values are refused at resolution, all at once, naming the parameter and the fix.</summary>
public sealed class RegistryParameterTests
{
    private static readonly Dictionary<string, string> None = new();

    [Fact]
    public void Every_bad_registry_value_is_listed_at_once_naming_its_parameter()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(
            Args(("registry", "http://registry.example.com"), ("repository", "Team/App"), ("image-tags", "1.0;bad tag!"), ("registry-mount-from", "x//y")), None, null, [], Version));

        Assert.Equal(
        [
            "--registry 'http://registry.example.com' must use https: credentials and tokens are only sent over HTTPS (plain http is allowed on loopback only).",
            "--repository 'Team/App' is not a repository name: lowercase letters and digits separated by '.', '_', '__', '-' or '/' (e.g. --repository=team/app).",
            "--registry-mount-from 'x//y' is not a repository name: lowercase letters and digits separated by '.', '_', '__', '-' or '/' (e.g. --registry-mount-from=team/app).",
            "--image-tags: 'bad tag!' is not a tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (e.g. --image-tags=\"1.4.2;latest\").",
        ], error.Problems);
    }

    [Fact]
    public void A_registry_with_a_password_in_it_is_refused_without_echoing_the_password()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(Args(("registry", "https://bob:hunter2hunter2@ghcr.io")), None, null, [], Version));

        Assert.StartsWith("--registry 'ghcr.io' must be only a host and port", Assert.Single(error.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_host_means_https_and_loopback_http_is_allowed()
    {
        Assert.Equal(new Uri("https://ghcr.io"), ReleaseParameters.Resolve(Args(("registry", "ghcr.io")), None, null, [], Version).Registry);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), ReleaseParameters.Resolve(Args(("registry", "http://127.0.0.1:5000")), None, null, [], Version).Registry);
    }

    [Fact]
    public void Registry_credentials_come_from_the_environment_and_are_not_unknown_parameters()
    {
        var environment = new Dictionary<string, string> { ["RELEASETARGETS_REGISTRY_USERNAME"] = "bob", ["RELEASETARGETS_REGISTRY_PASSWORD"] = "hunter2hunter2" };

        var options = ReleaseParameters.Resolve(None, environment, null, [], Version);

        Assert.Null(options.Registry);
        Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(Args(("registry-password", "x")), None, null, [], Version));
    }

    [Fact]
    public void Every_bad_upload_host_is_listed_naming_the_parameter_and_an_example()
    {
        var error = Assert.Throws<ReleaseConfigurationException>(() => ReleaseParameters.Resolve(
            Args(("registry-upload-hosts", "uploads.example.com, https://blobs.example.com ,127.0.0.2:5001,a/b")), None, null, [], Version));

        Assert.Equal(
        [
            "--registry-upload-hosts: 'https://blobs.example.com' is not a host[:port] (no scheme, user, path or query; e.g. --registry-upload-hosts=uploads.example.com,127.0.0.2:5001).",
            "--registry-upload-hosts: 'a/b' is not a host[:port] (no scheme, user, path or query; e.g. --registry-upload-hosts=uploads.example.com,127.0.0.2:5001).",
        ], error.Problems);
    }

    [Fact]
    public void Upload_hosts_default_to_none_and_come_from_the_environment_too()
    {
        Assert.Equal(string.Empty, ReleaseParameters.Resolve(None, None, null, [], Version).RegistryUploadHosts);

        var options = ReleaseParameters.Resolve(None, new Dictionary<string, string> { ["RELEASETARGETS_REGISTRY_UPLOAD_HOSTS"] = "uploads.example.com,127.0.0.2:5001" }, null, [], Version);

        Assert.Equal(["uploads.example.com", "127.0.0.2:5001"], ReleaseTargets.Registry.Auth.RegistryHostPolicy.SplitHosts(options.RegistryUploadHosts));
    }

    private static Dictionary<string, string> Args(params (string Name, string Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => a.Value);

    private static Dictionary<string, string> Version => new() { ["ReleaseVersion"] = "1.0.0" };
}
