namespace ReleaseTargets.Emulator;

/// <summary>The defaults <see cref="AzuriteOptions"/> documents, in one place.</summary>
internal static class AzuriteDefaults
{
    public const string Version = "3.37.0";

    public const string AccountName = "devstoreaccount1";

    public const string Host = "127.0.0.1";

    public const string InstallFolderName = "package";

    public const string DataFolderName = "data";

    public const string PidFileName = "azurite.pid";

    // A run waiting for another run's emulator checks the state lock this often and says that it waits this often.
    public static readonly TimeSpan OwnerPollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan OwnerWaitMessageInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // npm ci of the pinned package takes ~50 s cold here; several test collections may queue behind one install.
    public static readonly TimeSpan InstallLockTimeout = TimeSpan.FromMinutes(10);

    // SIGTERM lets Azurite flush its metadata store (Loki autosaves only every 5 s) before we kill it.
    public static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
}
