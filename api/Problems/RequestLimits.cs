using Orchestrator.Definitions;

namespace Orchestrator.Api.Problems;

/// <summary>Sizes the HTTP API accepts.</summary>
public static class RequestLimits
{
    /// <summary>Largest request body on any route (2 MiB); Kestrel enforces it too. Larger bodies get <c>413</c>.</summary>
    public const long MaxRequestBodyBytes = 2 * 1024 * 1024;

    /// <summary>Largest workflow definition (1 MiB of UTF-8); a larger one gets <c>413</c>.</summary>
    public const int MaxDefinitionBytes = DefinitionLimits.MaxDefinitionBytes;

    /// <summary>Largest page of a listing.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Page size of a listing when the request gives none.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>Most entries one read of a log-like list returns (a loop's log lines, a queue's dead letters).</summary>
    public const int MaxEntries = 1_000;

    /// <summary>Entries of a log-like list returned when the request gives no <c>limit</c>.</summary>
    public const int DefaultEntries = 100;
}
