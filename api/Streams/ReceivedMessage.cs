namespace Orchestrator.Api.Streams;

/// <summary>One message read from a client: its kind, and its text when it is <see cref="ReceivedMessageKind.Text"/>.</summary>
internal readonly record struct ReceivedMessage(ReceivedMessageKind Kind, string? Text = null);
