using ReleaseTargets.Configuration;

namespace ReleaseTargets.Emulator;

/// <summary>Where and how <see cref="AzuriteEmulator"/> runs the local Azurite blob service.</summary>
internal sealed class AzuriteOptions
{
    /// <summary>
    /// Required. Per-instance state: blob data under <c>&lt;StateDirectory&gt;/data</c>, the TLS certificate
    /// (<c>cert.pem</c>, <c>key.pem</c>), the pid file of the running Azurite and <c>azurite.lock</c>, which the
    /// emulator holds (an OS lock) for its whole life. A second emulator on the same folder waits until the first
    /// stops; it never stops a live one. Must be writable: a read-only folder fails at once.
    /// </summary>
    public required string StateDirectory { get; set; }

    /// <summary>
    /// Where the pinned npm package is installed (<c>npm ci</c>). Default: <c>&lt;StateDirectory&gt;/package</c>.
    /// May be shared between emulators; concurrent installs into it are serialised by a lock file.
    /// </summary>
    public string? InstallDirectory { get; set; }

    /// <summary>
    /// A folder holding another pinned <c>package.json</c> and <c>package-lock.json</c> to install instead.
    /// Default: none — the pair built into the ReleaseTargets assembly, so the emulator installs the same way however the
    /// module was taken in (a Cake <c>#addin</c>, a PackageReference, a published folder).
    /// </summary>
    public string? PackageDirectory { get; set; }

    /// <summary>The loopback port to listen on. Default: 0, which lets Azurite pick a free port.</summary>
    public int Port { get; set; }

    /// <summary>How long to wait for Azurite to listen once its process has started. Default: 60 seconds.</summary>
    public TimeSpan StartTimeout { get; set; } = AzuriteDefaults.StartTimeout;

    /// <summary>Checks every value once and resolves the defaults, so nothing later has to.</summary>
    internal AzuriteSettings Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            problems.Add("AzuriteOptions.StateDirectory is empty. Set it to a folder the emulator may own.");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"AzuriteOptions.Port '{Port}' is not a TCP port. Use 0 (pick a free port) or 1-65535.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            problems.Add($"AzuriteOptions.StartTimeout '{StartTimeout}' must be positive. The default is {AzuriteDefaults.StartTimeout.TotalSeconds:0} seconds.");
        }

        if (problems.Count > 0)
        {
            throw new ReleaseConfigurationException(problems);
        }

        var state = Path.GetFullPath(StateDirectory);
        return new AzuriteSettings(
            state,
            Path.Combine(state, AzuriteDefaults.DataFolderName),
            Path.GetFullPath(InstallDirectory ?? Path.Combine(state, AzuriteDefaults.InstallFolderName)),
            PackageDirectory is null ? null : Path.GetFullPath(PackageDirectory),
            Port,
            StartTimeout);
    }
}
