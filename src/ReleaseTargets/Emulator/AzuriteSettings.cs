namespace ReleaseTargets.Emulator;

/// <summary>Validated <see cref="AzuriteOptions"/> with every default resolved to a full path; immutable.</summary>
internal sealed record AzuriteSettings(
    string StateDirectory,
    string DataDirectory,
    string InstallDirectory,
    string? PackageDirectory,
    int Port,
    TimeSpan StartTimeout)
{
    public string PidFile => Path.Combine(StateDirectory, AzuriteDefaults.PidFileName);
}
