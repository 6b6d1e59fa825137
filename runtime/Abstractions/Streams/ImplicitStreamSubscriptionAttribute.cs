namespace Orchestrator.Runtime;

/// <summary>On a grain class that implements <see cref="IStreamConsumerGrain"/>: every durable stream in
/// <paramref name="streamNamespace"/> is delivered to the grain of this class whose key is the stream's key,
/// activating it as needed. The consumer's offset is named after the grain type.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace) : Attribute
{
    /// <summary>The stream namespace.</summary>
    public string Namespace { get; } = streamNamespace;
}
