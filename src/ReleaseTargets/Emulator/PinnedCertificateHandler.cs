using System.Net.Security;
using System.Security.Cryptography;

namespace ReleaseTargets.Emulator;

/// <summary>
/// Trust for the loopback emulator's self-signed certificate: exactly those bytes and nothing else. Chain errors are
/// expected for a self-signed certificate and tolerated; name mismatches and any other certificate are not.
/// Validation is never turned off.
/// </summary>
internal static class PinnedCertificateHandler
{
    public static SocketsHttpHandler Create(byte[] expectedCertificate) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null
                && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && CryptographicOperations.FixedTimeEquals(certificate.GetRawCertData(), expectedCertificate),
        },
    };
}
