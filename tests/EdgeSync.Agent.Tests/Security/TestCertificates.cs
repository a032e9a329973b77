using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeSync.Agent.Tests.Security;

/// <summary>A throw-away CA, a broker certificate for 127.0.0.1/localhost and a client certificate, as PEM files.</summary>
public sealed class TestCertificates
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }
    public string CaFile => Path.Combine(Dir, "ca.crt");
    public string ServerCertFile => Path.Combine(Dir, "server.crt");
    public string ServerKeyFile => Path.Combine(Dir, "server.key");
    public string ClientCertFile => Path.Combine(Dir, "client.crt");
    public string ClientKeyFile => Path.Combine(Dir, "client.key");

    /// <summary>A CA nobody trusts, for the "wrong CA" case.</summary>
    public string OtherCaFile => Path.Combine(Dir, "other-ca.crt");

    public static TestCertificates Create(string dir)
    {
        Directory.CreateDirectory(dir);
        var certs = new TestCertificates(dir);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = MakeCa("CN=edgesync test CA", caKey, now);
        File.WriteAllText(certs.CaFile, ca.ExportCertificatePem());
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = MakeCa("CN=someone else's CA", otherKey, now);
        File.WriteAllText(certs.OtherCaFile, other.ExportCertificatePem());

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        Issue(ca, "CN=127.0.0.1", san.Build(), serverAuth: true, now, certs.ServerCertFile, certs.ServerKeyFile);
        Issue(ca, "CN=edgesync-node", null, serverAuth: false, now, certs.ClientCertFile, certs.ClientKeyFile);
        return certs;
    }

    private static X509Certificate2 MakeCa(string name, ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now, now.AddDays(2));
    }

    private static void Issue(X509Certificate2 ca, string name, X509Extension? san, bool serverAuth, DateTimeOffset now, string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usage = new OidCollection { new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") };
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usage, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var cert = request.Create(ca, now, now.AddDays(1), serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
