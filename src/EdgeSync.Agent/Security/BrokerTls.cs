using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeSync.Agent.Mqtt;
using MQTTnet;

namespace EdgeSync.Agent.Security;

/// <summary>
/// TLS for <c>mqtts://</c> brokers: the broker's certificate must chain to <c>Mqtt:CaFile</c> (only
/// that CA, not the system store, when it is set) and name the host we dialled; a client
/// certificate (<c>Mqtt:CertFile</c> + <c>Mqtt:KeyFile</c>, PEM) is presented when configured.
/// </summary>
public static class BrokerTls
{
    public static MqttClientTlsOptions Build(MqttFleetOptions options, BrokerEndpoint broker)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(broker);
        var builder = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(broker.Host)
            .WithAllowUntrustedCertificates(options.AllowUntrustedCertificates)
            .WithIgnoreCertificateChainErrors(options.AllowUntrustedCertificates);
        if (options.CaFile is { } caFile && !options.AllowUntrustedCertificates)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            builder.WithCertificateValidationHandler(e => ChainsTo(roots, e.Certificate, e.SslPolicyErrors));
        }

        if (options.CertFile is { } certFile)
        {
            // The key must be exportable for SslStream on some platforms: re-import it as PKCS#12.
            using var pem = X509Certificate2.CreateFromPemFile(certFile, options.KeyFile);
            var cert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            builder.WithClientCertificates([cert]);
        }

        return builder.Build();
    }

    /// <summary>True when <paramref name="certificate"/> names the host and chains to one of <paramref name="roots"/>.</summary>
    public static bool ChainsTo(X509Certificate2Collection roots, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
