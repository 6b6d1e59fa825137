namespace Orchestrator.Definitions;

/// <summary>Checks each loop: its pool, its producer and that producer's settings, its chain and its policies.</summary>
internal static class LoopValidator
{
    public static void Validate(WorkflowDefinition definition, ProblemCollector problems)
    {
        foreach (var (name, loop) in definition.Loops)
        {
            var path = ProblemPath.Member("loops", name);
            if (!DefinitionNames.IsNodeName(name))
            {
                problems.Add(path, $"invalid loop name '{name}': {DefinitionNames.NodeNameRule}");
            }

            if (!LoopPools.All.Contains(loop.Pool))
            {
                problems.Add(ProblemPath.Member(path, "pool"), $"must be one of {string.Join(", ", LoopPools.All)}, not '{loop.Pool}'");
            }

            ValidateProducer(ProblemPath.Member(path, "producer"), loop.Producer, problems);
            ValidateChain(ProblemPath.Member(path, "chain"), loop.Chain, definition.Nodes, problems);
            if (!LoopErrorPolicies.All.Contains(loop.OnError))
            {
                problems.Add(ProblemPath.Member(path, "onError"), $"must be one of {string.Join(", ", LoopErrorPolicies.All)}, not '{loop.OnError}'");
            }

            if (loop.MaxInFlight is < 1)
            {
                problems.Add(ProblemPath.Member(path, "maxInFlight"), "must be at least 1");
            }
        }
    }

    private static void ValidateProducer(string path, ProducerDefinition producer, ProblemCollector problems)
    {
        var typePath = ProblemPath.Member(path, "type");
        if (producer.Type.Length == 0)
        {
            problems.Add(typePath, $"required: one of {string.Join(", ", ProducerTypes.All)}");
            return;
        }

        if (!ProducerTypes.All.Contains(producer.Type))
        {
            problems.Add(typePath, $"unknown producer type '{producer.Type}'; expected one of {string.Join(", ", ProducerTypes.All)}");
            return;
        }

        CheckApplies(path, producer.Type, "every", producer.Every, ProducerTypes.Interval, problems);
        CheckApplies(path, producer.Type, "expression", producer.Expression, ProducerTypes.Cron, problems);
        CheckApplies(path, producer.Type, "timeZone", producer.TimeZone, ProducerTypes.Cron, problems);
        CheckApplies(path, producer.Type, "queue", producer.Queue, ProducerTypes.Queue, problems);
        CheckApplies(path, producer.Type, "class", producer.Class, ProducerTypes.DotNet, problems);
        CheckApplies(path, producer.Type, "settings", producer.Settings is null ? null : "settings", ProducerTypes.DotNet, problems);
        switch (producer.Type)
        {
            case ProducerTypes.Interval:
                if (Require(path, "every", producer.Every, "the time between iterations, e.g. 100ms", problems))
                {
                    problems.CheckDuration(ProblemPath.Member(path, "every"), producer.Every, mustBePositive: true);
                }

                break;
            case ProducerTypes.Cron:
                if (Require(path, "expression", producer.Expression, "a cron expression, e.g. */5 * * * *", problems))
                {
                    CronExpressions.TryParse(producer.Expression!, out var error);
                    if (error is not null)
                    {
                        problems.Add(ProblemPath.Member(path, "expression"), error);
                    }
                }

                if (producer.TimeZone is not null && !IsTimeZone(producer.TimeZone))
                {
                    problems.Add(ProblemPath.Member(path, "timeZone"), $"unknown time zone '{producer.TimeZone}'; use an IANA id such as Europe/Berlin or UTC");
                }

                break;
            case ProducerTypes.Queue:
                if (Require(path, "queue", producer.Queue, "the queue whose messages start iterations", problems)
                    && !DefinitionNames.IsWorkflowName(producer.Queue!))
                {
                    problems.Add(ProblemPath.Member(path, "queue"), $"'{producer.Queue}' is not a queue name: {DefinitionNames.WorkflowNameRule}");
                }

                break;
            case ProducerTypes.DotNet:
                Require(path, "class", producer.Class, "the ProducerNode class, e.g. Samples.SensorProducer", problems);
                break;
        }
    }

    private static void ValidateChain(
        string path, IReadOnlyList<ChainStepDefinition> chain, IReadOnlyDictionary<string, NodeDefinition> nodes, ProblemCollector problems)
    {
        if (chain.Count == 0)
        {
            problems.Add(path, "at least one node is required");
            return;
        }

        for (var i = 0; i < chain.Count; i++)
        {
            var step = chain[i];
            var stepPath = ProblemPath.Index(path, i);
            if (step.Node.Length == 0)
            {
                problems.Add(ProblemPath.Member(stepPath, "node"), "required: the name of the node to run");
            }
            else if (!nodes.ContainsKey(step.Node))
            {
                problems.Add(ProblemPath.Member(stepPath, "node"), $"unknown node '{step.Node}'");
            }

            if (!ChainModes.All.Contains(step.Mode))
            {
                problems.Add(ProblemPath.Member(stepPath, "mode"), $"must be {ChainModes.Blocking} or {ChainModes.NonBlocking}, not '{step.Mode}'");
            }
        }
    }

    private static bool Require(string path, string field, string? value, string purpose, ProblemCollector problems)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        problems.Add(ProblemPath.Member(path, field), $"required: {purpose}");
        return false;
    }

    private static void CheckApplies(string path, string type, string field, string? value, string owner, ProblemCollector problems)
    {
        if (value is not null && type != owner)
        {
            problems.Add(ProblemPath.Member(path, field), $"not used by a {type} producer (only by {owner})");
        }
    }

    private static bool IsTimeZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
        catch (InvalidTimeZoneException)
        {
            return false;
        }
    }
}
