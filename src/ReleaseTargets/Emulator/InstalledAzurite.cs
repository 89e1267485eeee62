namespace ReleaseTargets.Emulator;

/// <summary>The installed Azurite package: its version and the JavaScript entry point of the blob service.</summary>
internal sealed record InstalledAzurite(string Version, string BlobEntryScript);
