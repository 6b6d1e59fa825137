namespace Orchestrator.Runtime.State;

/// <summary>Something an activation loads before OnActivateAsync runs.</summary>
internal interface IActivationStateLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
