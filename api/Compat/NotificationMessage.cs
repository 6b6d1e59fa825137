namespace Orchestrator.Api.Compat;

/// <summary>A message for <c>WS /ws</c> clients, written once and shared by every session it matches.</summary>
/// <param name="Type">The message type (<c>execution_completed</c>, …).</param>
/// <param name="RunId">The run it is about.</param>
/// <param name="Workflow">The run's workflow, when known.</param>
/// <param name="Utf8Json">The message as sent.</param>
internal sealed record NotificationMessage(string Type, string? RunId, string? Workflow, ReadOnlyMemory<byte> Utf8Json);
