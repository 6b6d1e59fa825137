namespace Orchestrator.Silo.Tests.Rest;

/// <summary>The REST tests share one silo (<see cref="RestApiHost"/>).</summary>
[CollectionDefinition(Name)]
public sealed class RestHostGroup : ICollectionFixture<RestApiHost>
{
    public const string Name = "rest";
}
