namespace Orchestrator.Errors;

/// <summary>The error record's engine callback (key: the error id), on the same grain as <see cref="IErrorRecordGrain"/>.
/// Internal to the grains: the API and clients see <see cref="IErrorRecordGrain"/> only.</summary>
internal interface IErrorRecordEngineGrain : IGrainWithStringKey
{
    /// <summary>Called by the run (or loop) when the node this record retried finished.</summary>
    Task RetryFinishedAsync(bool succeeded, string? error);
}
