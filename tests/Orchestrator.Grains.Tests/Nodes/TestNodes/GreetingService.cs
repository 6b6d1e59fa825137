namespace Orchestrator.Grains.Tests.Nodes.TestNodes;

/// <summary>A service that a node class asks for in its constructor.</summary>
public sealed class GreetingService
{
    private readonly string _salutation = "hello";

    public string Greet(string name) => $"{_salutation} {name}";
}
