namespace Orchestrator.Runtime;

/// <summary>Grain interface of implicit stream consumers (see <see cref="ImplicitStreamSubscriptionAttribute"/>).</summary>
public interface IStreamConsumerGrain : IGrainWithStringKey
{
    /// <summary>Handles one item of a stream; completing acknowledges it, throwing has it delivered again.</summary>
    Task OnStreamItemAsync(StreamItem item);
}
