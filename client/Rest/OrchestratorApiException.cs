using System.Net;

namespace Orchestrator.Client.Rest;

/// <summary>The server refused a request with an RFC 7807 problem: its status, title and detail, the field it named
/// (<c>field</c>) and, for an invalid definition, every problem with its path (<c>errors</c>).</summary>
public sealed class OrchestratorApiException : Exception
{
    public OrchestratorApiException()
    {
    }

    public OrchestratorApiException(string message)
        : base(message)
    {
    }

    public OrchestratorApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal OrchestratorApiException(HttpStatusCode status, string? title, string? detail, string? field, IReadOnlyList<ApiFieldError> errors)
        : base($"{(int)status} {title ?? status.ToString()}: {detail ?? "(no detail)"}{(field is null ? "" : $" [{field}]")}")
    {
        Status = status;
        Title = title;
        Detail = detail;
        Field = field;
        Errors = errors;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>What was wrong.</summary>
    public string? Detail { get; }

    /// <summary>The request field at fault (<c>body</c> for the body as a whole), when the server named one.</summary>
    public string? Field { get; }

    /// <summary>Every problem of an invalid definition, with its path.</summary>
    public IReadOnlyList<ApiFieldError> Errors { get; } = [];
}

/// <summary>One problem of a refused definition: where (<c>path</c>, and line/column for a syntax error) and what.</summary>
public sealed record ApiFieldError(string Path, string Message, int? Line = null, int? Column = null);
