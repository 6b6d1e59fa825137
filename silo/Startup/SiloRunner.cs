namespace Orchestrator.Silo.Startup;

/// <summary>Runs the built silo to its end, turning a start that fails for reasons the user can fix into a message and
/// exit code 2 (instead of an unhandled exception that aborts the process).</summary>
internal static class SiloRunner
{
    private static readonly TimeSpan StopAfterFailedStart = TimeSpan.FromSeconds(10);

    public static async Task<int> RunSiloAsync(this WebApplication app, SiloHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (StartupFailure.Explain(e, options) is { } message)
        {
            await Console.Error.WriteLineAsync(message);
            using var bound = new CancellationTokenSource(StopAfterFailedStart);
            try
            {
                await app.StopAsync(bound.Token);
            }
            catch (Exception stopFailure) when (stopFailure is OperationCanceledException or InvalidOperationException or AggregateException)
            {
                // The start failed half-way; what did start is torn down with the process.
            }

            return 2;
        }

        await app.WaitForShutdownAsync();
        return 0;
    }
}
