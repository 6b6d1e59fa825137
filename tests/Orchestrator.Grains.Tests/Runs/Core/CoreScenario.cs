using Orchestrator.Runs.Engine;

namespace Orchestrator.Grains.Tests.Runs.Core;

/// <summary>One row of the core's scenario table: a definition and the commands applied to it in turn, each with the exact
/// events and effects it must give; then, optionally, a check of the state reached.</summary>
internal sealed class CoreScenario(string yaml)
{
    private readonly List<(Func<CoreRun, RunTransition> Act, string[] Events, string[] Effects)> _steps = [];
    private readonly List<Action<CoreRun>> _checks = [];

    public CoreScenario Step(Func<CoreRun, RunTransition> act, string[] events, string[] effects)
    {
        _steps.Add((act, events, effects));
        return this;
    }

    /// <summary>A command that must change nothing: no event, no effect, nothing to write.</summary>
    public CoreScenario NoChange(Func<CoreRun, RunTransition> act)
    {
        _steps.Add((run =>
        {
            var transition = act(run);
            Assert.False(transition.Changed, "the command changed the run");
            return transition;
        }, [], []));
        return this;
    }

    public CoreScenario Then(Action<CoreRun> check)
    {
        _checks.Add(check);
        return this;
    }

    public void Play()
    {
        var run = CoreRun.Of(yaml);
        for (var i = 0; i < _steps.Count; i++)
        {
            var (act, events, effects) = _steps[i];
            act(run);
            Assert.True(events.SequenceEqual(run.Events), $"step {i + 1}: events\nexpected: {string.Join(" | ", events)}\nactual:   {string.Join(" | ", run.Events)}");
            Assert.True(effects.SequenceEqual(run.Effects), $"step {i + 1}: effects\nexpected: {string.Join(" | ", effects)}\nactual:   {string.Join(" | ", run.Effects)}");
        }

        Assert.Equal(Enumerable.Range(1, run.Log.Count).Select(i => (long)i), run.Log.Select(e => e.Seq));
        foreach (var check in _checks)
        {
            check(run);
        }
    }
}
