using System.Text.Json;

namespace Orchestrator.Silo.Tests;

public sealed class RuntimeSettingsTests
{
    [Fact]
    public void SilosRuntimeConfig_StartsCountingCallsAfter10Ms_NotTheRuntimesDefault100_AndUsesServerGc()
    {
        // The file the runtime reads when the silo starts, however it is started (dotnet run, its dll, the image).
        var path = Path.ChangeExtension(typeof(SiloHostOptions).Assembly.Location, ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));

        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Equal(10, properties.GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());
        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
