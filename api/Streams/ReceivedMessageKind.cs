namespace Orchestrator.Api.Streams;

/// <summary>What a client sent.</summary>
internal enum ReceivedMessageKind
{
    /// <summary>A complete UTF-8 text message within the size limit.</summary>
    Text,

    /// <summary>A binary message; the streams speak JSON text only.</summary>
    Binary,

    /// <summary>A message larger than the limit (the rest of it is not read).</summary>
    TooBig,

    /// <summary>A text message that is not valid UTF-8.</summary>
    InvalidText,

    /// <summary>The client closed its side (or the connection ended).</summary>
    Closed,
}
