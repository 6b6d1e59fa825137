using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Providers.Concurrency;

namespace Orchestrator.Runs;

/// <summary>Brings runs back whose activation gave way after a failed write: a fresh activation reads what is stored and
/// recovers from there, as after a crash (attempts that were running are run again). Each run is woken once at a time,
/// retried with a back-off while activating it fails (storage still failing, say): doubling from 0.1 s to 5 s, so that a
/// run is back within seconds of its storage, for about ten minutes; a silo that stops leaves the rest to the recovery on
/// start.</summary>
internal sealed partial class RunWakeUps(IGrainFactory grains, ILogger<RunWakeUps> logger)
{
    private const int MaxTries = 128;
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, byte> _waking = new(StringComparer.Ordinal);

    /// <summary>Wakes <paramref name="runId"/> soon, unless a wake-up of it is already under way.</summary>
    public void Schedule(string runId)
    {
        if (_waking.TryAdd(runId, 0))
        {
            _ = Task.Run(() => WakeAsync(runId));
        }
    }

    private async Task WakeAsync(string runId)
    {
        try
        {
            for (var tries = 1; ; tries++)
            {
                await Task.Delay(Backoff.Doubling(FirstDelay, MaxDelay, tries));
                try
                {
                    await grains.GetGrain<IRunGrain>(runId).GetAsync();
                    return;
                }
                catch (Exception e) when (tries < MaxTries)
                {
                    LogWakeUpFailed(logger, e, runId, tries);
                }
            }
        }
        catch (Exception e)
        {
            LogGaveUp(logger, e, runId, MaxTries);
        }
        finally
        {
            _waking.TryRemove(runId, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} could not be activated again (try {Tries}); trying again")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception, string runId, int tries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} could not be activated again after {Tries} tries; it recovers when its silo restarts or it is called")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string runId, int tries);
}
