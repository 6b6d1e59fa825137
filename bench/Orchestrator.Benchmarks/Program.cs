namespace Orchestrator.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var which = args.Length > 0 ? args[0] : "all";
        switch (which)
        {
            case "calls":
                await GrainCallBenchmark.RunAsync(args[1..]);
                return 0;
            case "engine":
                await EngineBenchmark.RunAsync(args[1..]);
                return 0;
            case "websockets":
                await WebSocketBenchmark.RunAsync(args[1..]);
                return 0;
            case "loops":
                await LoopBenchmark.RunAsync(args[1..]);
                return 0;
            case "storage":
                await StorageWriteBenchmark.RunAsync(args[1..]);
                return 0;
            case "postgres":
                await PostgresClusterBenchmark.RunAsync(args[1..]);
                return 0;
            default:
                Console.WriteLine($"benchmark '{which}': nothing registered yet");
                return 0;
        }
    }
}
