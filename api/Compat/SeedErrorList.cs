using Orchestrator.Errors;

namespace Orchestrator.Api.Compat;

/// <summary>Answer of the seed's <c>GET /api/errors/errors?recoveryStatus=…</c>.</summary>
/// <param name="Errors">The records, newest first.</param>
/// <param name="Count">How many are in <paramref name="Errors"/>.</param>
/// <param name="Cursor">Pass as <c>?cursor=</c> for the next page; absent on the last one.</param>
public sealed record SeedErrorList(IReadOnlyList<ErrorRecordSummary> Errors, int Count, string? Cursor);
