using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReleaseTargets.Emulator;

/// <summary>
/// The self-signed TLS certificate Azurite serves. Azurite's OAuth mode only works over HTTPS, and generating the
/// certificate in-process keeps openssl off the list of things a user must install.
/// </summary>
internal static class EmulatorCertificate
{
    public const string CertificateFileName = "cert.pem";
    public const string KeyFileName = "key.pem";

    // Regenerate a little before expiry so a long build never starts with a certificate that dies mid-push.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(7);

    /// <summary>Reuses the certificate under <paramref name="stateDirectory"/>, or writes a new one; returns it without its key.</summary>
    public static X509Certificate2 LoadOrCreate(string stateDirectory, TimeProvider timeProvider)
    {
        var certificatePath = Path.Combine(stateDirectory, CertificateFileName);
        var keyPath = Path.Combine(stateDirectory, KeyFileName);
        var now = timeProvider.GetUtcNow();
        var existing = TryLoad(certificatePath, keyPath);
        if (existing is not null
            && existing.NotBefore.ToUniversalTime() <= now.UtcDateTime
            && existing.NotAfter.ToUniversalTime() > (now + RenewBefore).UtcDateTime)
        {
            return existing;
        }

        existing?.Dispose();
        Create(certificatePath, keyPath, now);
        return TryLoad(certificatePath, keyPath)
            ?? throw new ReleaseTargetsException($"The emulator certificate written to '{certificatePath}' could not be read back. Delete '{stateDirectory}' and retry.");
    }

    private static X509Certificate2? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            // Loading with the key proves the pair still matches; the caller only needs the public part.
            using var withKey = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            return X509CertificateLoader.LoadCertificate(withKey.RawData);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static void Create(string certificatePath, string keyPath, DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));

        // Backdated a little so a clock a few minutes behind still accepts it.
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        Directory.CreateDirectory(Path.GetDirectoryName(certificatePath)!);
        WriteAtomically(keyPath, rsa.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteAtomically(certificatePath, certificate.ExportCertificatePem(), secret: false);
    }

    private static void WriteAtomically(string path, string content, bool secret)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
