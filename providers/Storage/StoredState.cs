namespace Orchestrator.Providers.Storage;

/// <summary>A stored grain state: its JSON payload and ETag.</summary>
internal sealed record StoredState(string Payload, string Etag);
