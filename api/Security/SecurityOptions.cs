namespace Orchestrator.Api.Security;

/// <summary>How the API authenticates, as the silo's options set it.</summary>
public sealed class SecurityOptions
{
    /// <summary><c>--auth none</c>: no authentication at all (the silo allows it only when it listens on loopback).</summary>
    public bool Disabled { get; set; }

    /// <summary>True when the silo listens on an address beyond loopback: authentication is then always on.</summary>
    public bool ListensBeyondLoopback { get; set; }

    /// <summary>Keys from <c>--api-keys-file</c>, by role.</summary>
    public IReadOnlyList<(ApiRole Role, string Key)> FileKeys { get; set; } = [];

    /// <summary><c>--public-metrics</c>: <c>/metrics</c> and the OpenAPI document without a key.</summary>
    public bool PublicMetrics { get; set; }

    /// <summary>Browser origins besides the silo's own that may open WebSockets and call the API across origins
    /// (<c>--allowed-origins</c>), as <c>scheme://host[:port]</c>.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];

    /// <summary>Requests per second each key may make (<c>--rate-limit</c>), with a burst of as many.</summary>
    public int RateLimit { get; set; } = 5_000;

    /// <summary>Failed authentications a client address may make per minute before it gets <c>429</c>.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 20;

    /// <summary>How often the stored keys are read again, so that a key created or revoked on another silo counts here
    /// within this long.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromMilliseconds(500);
}
