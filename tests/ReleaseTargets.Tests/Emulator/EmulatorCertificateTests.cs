using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using ReleaseTargets.Emulator;
using ReleaseTargets.Tests.Infrastructure;

namespace ReleaseTargets.Tests.Emulator;

public sealed class EmulatorCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly string _state = AzuriteFixture.NewStateDirectory();

    public void Dispose() => AzuriteFixture.DeleteDirectory(_state);

    [Fact]
    public void LoadOrCreate_FirstUse_WritesLoopbackServerCertificateValidForOneYear()
    {
        using var certificate = EmulatorCertificate.LoadOrCreate(_state, new FakeTimeProvider(Start));

        Assert.True(File.Exists(Path.Combine(_state, "cert.pem")));
        Assert.True(File.Exists(Path.Combine(_state, "key.pem")));
        Assert.False(certificate.HasPrivateKey);
        Assert.Equal(Start.AddYears(1).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
        Assert.True(certificate.MatchesHostname("localhost"));
        var usage = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Value);
        using var rsa = certificate.GetRSAPublicKey();
        Assert.Equal(2048, rsa!.KeySize);
    }

    [Fact]
    public void LoadOrCreate_StillValidForMoreThanSevenDays_ReusesCertificate()
    {
        var time = new FakeTimeProvider(Start);
        using var first = EmulatorCertificate.LoadOrCreate(_state, time);

        time.Advance(TimeSpan.FromDays(300));
        using var second = EmulatorCertificate.LoadOrCreate(_state, time);

        Assert.Equal(first.RawData, second.RawData);
    }

    [Fact]
    public void LoadOrCreate_ExpiringWithinSevenDays_Regenerates()
    {
        var time = new FakeTimeProvider(Start);
        using var first = EmulatorCertificate.LoadOrCreate(_state, time);

        time.SetUtcNow(first.NotAfter.ToUniversalTime().AddDays(-6));
        using var second = EmulatorCertificate.LoadOrCreate(_state, time);

        Assert.NotEqual(first.RawData, second.RawData);
        Assert.Equal(time.GetUtcNow().AddYears(1).UtcDateTime, second.NotAfter.ToUniversalTime());
    }
}
