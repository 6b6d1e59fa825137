using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Orchestrator.Providers.Cluster;

/// <summary>TLS on Orleans' own ports (silo to silo, client to gateway) with one certificate the whole cluster shares:
/// every silo and every grain client presents it, and each side accepts only a peer that presents the very same
/// certificate (compared by its SHA-256 hash), so a self-signed one is enough and no CA or host name is involved.</summary>
public static class ClusterTls
{
    /// <summary>Loads the certificate with its private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>), or a PEM file
    /// holding the certificate and its unencrypted key. Throws <see cref="ClusterCertificateException"/> saying what is
    /// wrong, never the password.</summary>
    public static X509Certificate2 Load(string path, string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new ClusterCertificateException($"the file '{path}' does not exist");
        }

        X509Certificate2 certificate;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : X509Certificate2.CreateFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ClusterCertificateException($"'{path}' could not be read as a certificate with its private key (a .pfx/.p12 file and its password, or a PEM file with the certificate and an unencrypted key): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ClusterCertificateException($"'{path}' holds no private key; the cluster certificate needs one");
        }

        return certificate;
    }

    /// <summary>Mutual TLS pinned to <paramref name="certificate"/>: both ends present it and require it of the other.</summary>
    public static void Configure(TlsOptions tls, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(certificate);
        var pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The chain and name checks are replaced, not added to: the peer is trusted for holding the cluster's certificate.
        tls.RemoteCertificateValidation = (remote, _, _) => CryptographicOperations.FixedTimeEquals(remote.GetCertHash(HashAlgorithmName.SHA256), pinned);
    }
}

/// <summary>The cluster certificate could not be used; the message says why.</summary>
public sealed class ClusterCertificateException : Exception
{
    public ClusterCertificateException()
    {
    }

    public ClusterCertificateException(string message)
        : base(message)
    {
    }

    public ClusterCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
