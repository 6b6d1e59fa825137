namespace Orchestrator.Providers.Tests.Storage;

/// <summary>What a read through the provider found: the state's payload and its ETag.</summary>
public sealed record Stored(string Payload, string Etag);
