namespace Orchestrator.Runtime.Storage;

/// <summary>A stored grain state: its JSON payload and ETag.</summary>
public sealed record GrainStateRecord(string Payload, string Etag);
