using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Orchestrator.Client;
using Orchestrator.Providers.Cluster;
using Orchestrator.Runs;
using Orchestrator.Silo.Tests;

namespace Orchestrator.Cluster.Tests.Processes;

/// <summary><c>--cluster-certificate</c>: Orleans' silo and gateway ports speak mutual TLS pinned to the cluster's
/// certificate. Silos holding it form a cluster and run across it; a grain client holding it is served; a plain client
/// and a peer with another certificate are not.</summary>
[Collection(nameof(PostgresCluster))]
public sealed class ClusterTlsTests(PostgresClusterFixture postgres) : IDisposable
{
    private const string Password = "cluster-secret";
    private readonly TemporaryDirectory _workDir = new();
    private readonly List<ClusterSilo> _silos = [];

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        _workDir.Dispose();
    }

    [Fact]
    public async Task SilosWithTheCertificate_FormAClusterOverTls_AndServeAClientThatHoldsIt_ButNoStranger()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("cluster_tls");
        var certificatePath = WriteCertificate("cluster");
        var (gatewayA, gatewayB) = (SiloProcess.FreePort(), SiloProcess.FreePort());
        var a = Start("silo-a", connectionString, certificatePath, gatewayA);
        var b = Start("silo-b", connectionString, certificatePath, gatewayB);
        await Task.WhenAll(a.WaitUntilHealthyAsync(), b.WaitUntilHealthyAsync());
        await b.WaitForSilosAsync(items => items.Count(s => s!["status"]!.GetValue<string>() == "running") == 2, TimeSpan.FromSeconds(60));

        // Grain calls cross the silo-to-silo connections: a run started on one silo is read, finished, on the other.
        await a.PutWorkflowAsync("""
            {"name": "over-tls", "nodes": {
              "first": {"type": "set", "values": {"n": "1"}},
              "second": {"type": "set", "values": {"n": "state.n + 1"}, "dependsOn": ["first"]}}}
            """);
        var runIds = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            using var started = await a.Http.PostAsJsonAsync(new Uri("/api/runs?wait=true", UriKind.Relative), new { workflow = "over-tls" });
            var body = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(started.IsSuccessStatusCode, body.ToJsonString());
            runIds.Add(body["runId"]!.GetValue<string>());
        }

        foreach (var runId in runIds)
        {
            var read = (await b.Http.GetFromJsonAsync<JsonObject>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
            Assert.Equal("completed", read["status"]!.GetValue<string>());
        }

        using var certificate = ClusterTls.Load(certificatePath, Password);
        var options = new OrchestratorClientOptions { ClusterId = "tls", ClusterCertificate = certificate };
        options.Gateways.Add($"127.0.0.1:{gatewayB}");
        await using (var client = await OrchestratorClient.ConnectAsync(options))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var finished = await (await client.StartRunAsync("over-tls")).WaitAsync(timeout.Token);
            Assert.Equal(RunStatus.Completed, finished.Status);
        }

        // The gateway speaks TLS, shows the cluster's certificate, and takes only a peer that shows it too.
        Assert.Equal(certificate.GetCertHash(HashAlgorithmName.SHA256), await HandshakeAsync(gatewayA, certificate, certificate));
        using var stranger = ClusterTls.Load(WriteCertificate("stranger"), Password);
        Assert.Equal(0, await RefusedAfterHandshakeAsync(gatewayA, stranger, certificate));
        var plain = new OrchestratorClientOptions { ClusterId = "tls", ConnectTimeout = TimeSpan.FromSeconds(5) };
        plain.Gateways.Add($"127.0.0.1:{gatewayA}");
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await OrchestratorClient.ConnectAsync(plain);
            await client.StartRunAsync("over-tls");
        });
    }

    [Fact]
    public async Task Silo_ExitsWith2NamingTheOption_WhenTheCertificatesPasswordIsWrong()
    {
        var certificatePath = WriteCertificate("cluster");
        using var silo = SiloProcess.Start(_workDir.Path, "--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}",
            "--cluster-certificate", certificatePath, "--cluster-certificate-password", "not-the-password");

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}\n{silo.Output}\n{silo.Error}");
        Assert.Contains("--cluster-certificate", silo.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", silo.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", silo.Error, StringComparison.Ordinal);
    }

    private ClusterSilo Start(string name, string connectionString, string certificate, int gatewayPort)
    {
        var silo = ClusterSilo.Start(_workDir.Path, name, connectionString, "tls",
            "--cluster-certificate", certificate, "--cluster-certificate-password", Password,
            "--gateway-port", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _silos.Add(silo);
        return silo;
    }

    /// <summary>A self-signed certificate with its key, as a password-protected PKCS#12 file.</summary>
    private string WriteCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=orchestrator-{name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(_workDir.Path, $"{name}-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    /// <summary>A TLS handshake with the port, presenting <paramref name="certificate"/>; the hash of the certificate the
    /// port showed, which must be <paramref name="cluster"/>.</summary>
    private static async Task<byte[]> HandshakeAsync(int port, X509Certificate2 certificate, X509Certificate2 cluster)
    {
        await using var tls = await ConnectAsync(port, certificate, cluster);
        using var shown = new X509Certificate2(tls.RemoteCertificate!);
        return shown.GetCertHash(HashAlgorithmName.SHA256);
    }

    /// <summary>Bytes read after the handshake until the port closes the connection (0), as it does when it refuses the
    /// client's certificate: the server judges it once its side of the handshake is done, which may be after the
    /// client's side ended. Throws when the port resets the connection instead, or does not close it in time.</summary>
    private static async Task<int> RefusedAfterHandshakeAsync(int port, X509Certificate2 certificate, X509Certificate2 cluster)
    {
        try
        {
            await using var tls = await ConnectAsync(port, certificate, cluster);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var read = 0;
            var buffer = new byte[256];
            for (int n; (n = await tls.ReadAsync(buffer, timeout.Token)) > 0;)
            {
                read += n;
            }

            return read;
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            return 0;
        }
    }

    private static async Task<SslStream> ConnectAsync(int port, X509Certificate2 certificate, X509Certificate2 cluster)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "orchestrator",
            ClientCertificates = [certificate],
            // Only the cluster's certificate is taken from the port, as the silos and clients take it.
            RemoteCertificateValidationCallback = (_, remote, _, _) =>
                remote is not null && remote.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(cluster.GetCertHash(HashAlgorithmName.SHA256)),
        }, timeout.Token);
        return tls;
    }
}
