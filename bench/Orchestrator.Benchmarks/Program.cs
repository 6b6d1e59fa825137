namespace Orchestrator.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "all";
        await Task.CompletedTask;
        Console.WriteLine($"benchmark '{which}': nothing registered yet");
        return 0;
    }
}
