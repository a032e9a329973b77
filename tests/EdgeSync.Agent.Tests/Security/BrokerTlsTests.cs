using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeSync.Agent.Security;
using EdgeSync.Agent.Tests.Process;

namespace EdgeSync.Agent.Tests.Security;

public sealed class BrokerTlsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_broker_certificate_must_chain_to_the_configured_ca_and_name_the_host()
    {
        var certs = TestCertificates.Create(_dir.Path);
        var loaded = new X509Certificate2Collection();
        loaded.ImportFromPemFile(certs.ServerCertFile);
        using var server = loaded[0];
        var right = new X509Certificate2Collection();
        right.ImportFromPemFile(certs.CaFile);
        var other = new X509Certificate2Collection();
        other.ImportFromPemFile(certs.OtherCaFile);

        Assert.True(BrokerTls.ChainsTo(right, server, SslPolicyErrors.None));
        Assert.True(BrokerTls.ChainsTo(right, server, SslPolicyErrors.RemoteCertificateChainErrors), "the system store does not know our CA; ours does");
        Assert.False(BrokerTls.ChainsTo(other, server, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(BrokerTls.ChainsTo(right, server, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(BrokerTls.ChainsTo(right, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }
}
