using Microsoft.Extensions.Configuration;

namespace Orchestrator.Silo.Tests;

public sealed class SiloHostOptionsTests
{
    [Fact]
    public void Validate_ReportsNoProblem_WhenDefaults()
    {
        var options = new SiloHostOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("sqlite", options.Storage);
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "data", "orchestrator.db"), options.DatabasePath);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("SQLite")]
    public void Validate_ReportsNoProblem_WhenStorageIsAvailable(string storage)
    {
        Assert.Empty(new SiloHostOptions { Storage = storage }.Validate());
    }

    [Fact]
    public void Validate_ReportsNoProblem_WhenPostgresHasAConnectionString()
    {
        var options = new SiloHostOptions { Storage = "postgres", Postgres = "Host=db;Database=orchestrator;Username=silo;Password=s3cret" };

        Assert.Empty(options.Validate());
        Assert.Equal("db:5432/orchestrator as silo", options.PostgresStorage.Server);
        Assert.Equal(TimeSpan.FromMinutes(1), options.PostgresStorage.StartupTimeout);
    }

    [Fact]
    public void Validate_NamesThePostgresOption_WhenPostgresHasNoConnectionString()
    {
        var problem = Assert.Single(new SiloHostOptions { Storage = "postgres" }.Validate());

        Assert.Contains("--postgres", problem, StringComparison.Ordinal);
        Assert.Contains("ORCHESTRATOR_POSTGRES", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db;Password=s3cret;Port=not-a-port", "'Port'")]
    [InlineData("Host=db;Password=s3cret;Colour=blue", "'Colour'")]
    [InlineData("Password=s3cret;Database=orchestrator", "Host=")]
    [InlineData("Host=db;Password=\"s3cret", "keyword=value")]
    public void Validate_NamesTheSettingButNeverThePassword_WhenTheConnectionStringIsMalformed(string connectionString, string named)
    {
        var problem = Assert.Single(new SiloHostOptions { Storage = "postgres", Postgres = connectionString }.Validate());

        Assert.Contains("--postgres", problem, StringComparison.Ordinal);
        Assert.Contains(named, problem, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--otlp-endpoint", "localhost:4317", "ORCHESTRATOR_OTLPENDPOINT")]
    [InlineData("--otlp-endpoint", "ftp://collector", "ORCHESTRATOR_OTLPENDPOINT")]
    [InlineData("--log-format", "xml", "ORCHESTRATOR_LOGFORMAT")]
    [InlineData("--trace-loop-every", "-1", "ORCHESTRATOR_TRACELOOPEVERY")]
    public void Validate_NamesTheTelemetryOption_WhenItsValueIsRefused(string option, string value, string variable)
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources([option, value]).Build();

        var problem = Assert.Single(configuration.GetSiloHostOptions(out var malformed).Validate());

        Assert.Empty(malformed);
        Assert.Contains(option, problem, StringComparison.Ordinal);
        Assert.Contains(variable, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fail-before=5", "fail-before: '5' is not a fraction")]
    [InlineData("sometimes", "'sometimes' is not name=value")]
    public void Validate_NamesTheFaultOptionAndThePartAtFault_WhenStorageFaultsAreMalformed(string value, string part)
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources(["--inject-storage-faults", value]).Build();

        var problem = Assert.Single(configuration.GetSiloHostOptions(out var malformed).Validate());

        Assert.Empty(malformed);
        Assert.Contains("--inject-storage-faults", problem, StringComparison.Ordinal);
        Assert.Contains("ORCHESTRATOR_INJECTSTORAGEFAULTS", problem, StringComparison.Ordinal);
        Assert.Contains(part, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageFaults_AreNoneUnlessAskedFor()
    {
        Assert.Null(new ConfigurationBuilder().AddSiloHostSources([]).Build().GetSiloHostOptions(out _).StorageFaults);
        var asked = new ConfigurationBuilder().AddSiloHostSources(["--inject-storage-faults", "fail-after=0.25,delay=50ms"]).Build()
            .GetSiloHostOptions(out _).StorageFaults;
        Assert.Equal(0.25, asked!.FailAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(50), asked.Delay);
        Assert.Equal(0, asked.FailBefore);
    }

    [Theory]
    [InlineData("127.0.0.1:3001")]
    [InlineData("ftp://agent")]
    [InlineData("agents")]
    public void Validate_NamesTheAgentUrlOption_WhenItIsNotAnHttpAddress(string value)
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources(["--agent-url", value]).Build();

        var problem = Assert.Single(configuration.GetSiloHostOptions(out var malformed).Validate());

        Assert.Empty(malformed);
        Assert.Contains("--agent-url", problem, StringComparison.Ordinal);
        Assert.Contains("ORCHESTRATOR_AGENTURL", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AgentUrl_IsReadFromTheCommandLine()
    {
        var options = new ConfigurationBuilder().AddSiloHostSources(["--agent-url", "http://127.0.0.1:3001"]).Build().GetSiloHostOptions(out var malformed);

        Assert.Empty(malformed);
        Assert.Empty(options.Validate());
        Assert.Equal("http://127.0.0.1:3001", options.AgentUrl);
    }

    [Fact]
    public void TelemetryOptions_AreReadFromTheCommandLine()
    {
        var configuration = new ConfigurationBuilder()
            .AddSiloHostSources(["--otlp-endpoint", "http://collector:4318", "--log-format", "json", "--trace-loop-every", "10", "--trace-grain-calls", "true"]).Build();

        var options = configuration.GetSiloHostOptions(out var malformed);

        Assert.Empty(malformed);
        Assert.Empty(options.Validate());
        Assert.Equal("http://collector:4318", options.OtlpEndpoint);
        Assert.Equal("json", options.LogFormat);
        Assert.Equal(10, options.TraceLoopEvery);
        Assert.True(options.TraceGrainCalls);
    }

    [Fact]
    public void TraceGrainCalls_IsReportedMalformed_WhenNotTrueOrFalse()
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources(["--trace-grain-calls", "yes"]).Build();

        configuration.GetSiloHostOptions(out var malformed);

        Assert.Contains("true or false", Assert.Single(malformed), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesAnAdvertisedAddressNobodyCanReach()
    {
        var options = new SiloHostOptions { Storage = "postgres", Postgres = "Host=db", AdvertisedIp = System.Net.IPAddress.Any };

        Assert.Contains("--advertised-ip", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesAllowedValues_WhenStorageIsUnknown()
    {
        var problem = Assert.Single(new SiloHostOptions { Storage = "bogus" }.Validate());

        Assert.Contains("'bogus'", problem, StringComparison.Ordinal);
        Assert.Contains("allowed values: sqlite, memory, postgres", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsEveryProblem_WhenSeveralSettingsAreWrong()
    {
        var options = new SiloHostOptions { Storage = "sqlite", DataDir = " ", SiloName = "", ShutdownTimeout = TimeSpan.Zero, QueueCapacity = 0 };

        var problems = options.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("--queue-capacity", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--shutdown-timeout", "banana", "ORCHESTRATOR_SHUTDOWNTIMEOUT", "a duration")]
    [InlineData("--shutdown-timeout", "20 seconds", "ORCHESTRATOR_SHUTDOWNTIMEOUT", "a duration")]
    [InlineData("--queue-capacity", "lots", "ORCHESTRATOR_QUEUECAPACITY", "a whole number")]
    [InlineData("--queue-capacity", "1.5", "ORCHESTRATOR_QUEUECAPACITY", "a whole number")]
    [InlineData("--silo-port", "eleven", "ORCHESTRATOR_SILOPORT", "a whole number")]
    [InlineData("--gateway-port", "99999999999", "ORCHESTRATOR_GATEWAYPORT", "a whole number")]
    [InlineData("--startup-timeout", "a minute", "ORCHESTRATOR_STARTUPTIMEOUT", "a duration")]
    [InlineData("--advertised-ip", "10.0.0.300", "ORCHESTRATOR_ADVERTISEDIP", "an IP address")]
    public void MalformedOption_IsAProblemNamingTheOptionAndTheValue(string option, string value, string variable, string expected)
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources([option, value]).Build();

        configuration.GetSiloHostOptions(out var problems);

        var problem = Assert.Single(problems);
        Assert.Contains(option, problem, StringComparison.Ordinal);
        Assert.Contains(variable, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryNumberOrDurationOption_IsCheckedWhenMalformed()
    {
        var typed = typeof(SiloHostOptions).GetProperties()
            .Where(p => p.CanWrite && p.PropertyType != typeof(string))
            .Select(p => p.Name)
            .ToList();
        var args = typed.SelectMany(name => new[] { $"--{name}", "not-a-value" }).ToArray();
        var configuration = new ConfigurationBuilder().AddSiloHostSources(args).Build();

        configuration.GetSiloHostOptions(out var problems);

        Assert.NotEmpty(typed);
        Assert.Equal(typed.Count, problems.Count);
    }

    [Fact]
    public void Validate_NamesTheOption_WhenTheClusterCertificateIsMissingOrHasNoKey()
    {
        using var directory = new TemporaryDirectory();
        var keyless = Path.Combine(directory.Path, "keyless.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=keyless", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(keyless, certificate.ExportCertificatePem());
        }

        foreach (var (path, expected) in new[] { (Path.Combine(directory.Path, "absent.pfx"), "does not exist"), (keyless, "could not be read") })
        {
            var problem = Assert.Single(new SiloHostOptions { ClusterCertificate = path }.Validate());
            Assert.Contains("--cluster-certificate", problem, StringComparison.Ordinal);
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EngineSection_SetsRecoveryPerSeverity_FromTheCommandLineAndTheEnvironment()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Engine:Recovery:critical:Attempts"] = "8" })
            .AddSiloHostSources(["--Engine:Recovery:high:Attempts=5", "--Engine:Recovery:high:InitialDelay=30s", "--Engine:Recovery:HIGH:MaxDelay=00:10:00",
                "--Engine:Recovery:low:Multiplier=1.5", "--Engine:EscalationWebhook=https://pager.example/hook", "--Engine:DurableDelayFrom=5m"])
            .Build();

        var options = configuration.GetSiloHostOptions(out var problems);

        Assert.Empty(problems);
        var high = options.Engine.Recovery.High;
        Assert.Equal((5, TimeSpan.FromSeconds(30), 2.0, TimeSpan.FromMinutes(10)), (high.Attempts, high.InitialDelay, high.Multiplier, high.MaxDelay));
        Assert.Equal(8, options.Engine.Recovery.Critical.Attempts);
        Assert.Equal(1.5, options.Engine.Recovery.Low.Multiplier);
        Assert.Equal(0, options.Engine.Recovery.Medium.Attempts);
        Assert.Equal("https://pager.example/hook", options.Engine.EscalationWebhook);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Engine.DurableDelayFrom);
    }

    [Theory]
    [InlineData("--Engine:Recovery:high:Attempts=lots", "Engine:Recovery:high:Attempts", "'lots'")]
    [InlineData("--Engine:Recovery:high:Attempts=-1", "Engine:Recovery:high:Attempts", "'-1'")]
    [InlineData("--Engine:Recovery:high:InitialDelay=soon", "Engine:Recovery:high:InitialDelay", "'soon'")]
    [InlineData("--Engine:Recovery:high:Multiplier=0.5", "Engine:Recovery:high:Multiplier", "0.5")]
    [InlineData("--Engine:Recovery:high:MaxDelay=10s", "Engine:Recovery:high:MaxDelay", "InitialDelay")]
    [InlineData("--Engine:Recovery:urgent:Attempts=3", "Engine:Recovery:urgent", "low, medium, high, critical")]
    [InlineData("--Engine:Recovery:high:Tries=3", "Engine:Recovery:high:Tries", "Attempts, InitialDelay, Multiplier, MaxDelay")]
    [InlineData("--Engine:EscalationWebhook=pager", "Engine:EscalationWebhook", "'pager'")]
    [InlineData("--Engine:DurableDelayFrom=later", "Engine:DurableDelayFrom", "'later'")]
    [InlineData("--Engine:Colour=blue", "Engine:Colour", "Recovery")]
    public void EngineSection_NamesTheKey_WhenASettingIsMalformedOrUnknown(string argument, string key, string expected)
    {
        var configuration = new ConfigurationBuilder().AddSiloHostSources([argument]).Build();

        configuration.GetSiloHostOptions(out var problems);

        var problem = Assert.Single(problems);
        Assert.StartsWith(key, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--shutdown-timeout", "banana")]
    [InlineData("--queue-capacity", "lots")]
    [InlineData("--startup-timeout", "soon")]
    public async Task Silo_ExitsWithCode2AndNamesTheOption_WhenAnOptionIsMalformed(string option, string value)
    {
        using var workDir = new TemporaryDirectory();
        using var silo = SiloProcess.Start(workDir.Path, "--urls", $"http://127.0.0.1:{SiloProcess.FreePort()}", option, value);

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 2, $"exit code {exitCode}\n{silo.Output}\n{silo.Error}");
        Assert.Contains(option, silo.Error, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", silo.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", silo.Error, StringComparison.Ordinal);
    }
}
