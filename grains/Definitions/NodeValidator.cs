using System.Text.Json;
using Orchestrator.Expressions;

namespace Orchestrator.Definitions;

/// <summary>Checks one node: its name, its shared settings, and the settings its type requires and accepts.</summary>
internal static class NodeValidator
{
    /// <summary>The methods an <c>http</c> node (and a <c>job</c> node's requests) may use.</summary>
    internal static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    public static void Validate(string name, NodeDefinition node, ProblemCollector problems)
    {
        var path = ProblemPath.Member("nodes", name);
        if (!DefinitionNames.IsNodeName(name))
        {
            problems.Add(path, $"invalid node name '{name}': {DefinitionNames.NodeNameRule}");
        }
        else if (name == WorkflowDefinition.EndNode)
        {
            problems.Add(path, $"'{WorkflowDefinition.EndNode}' is reserved for the edge target that finishes a run");
        }

        problems.CheckDuration(ProblemPath.Member(path, "timeout"), node.Timeout, mustBePositive: true);
        if (node.Retry is not null)
        {
            ValidateRetry(ProblemPath.Member(path, "retry"), node.Retry, problems);
        }

        problems.CheckExpression(ProblemPath.Member(path, "forEach"), node.ForEach);
        if (!FailurePolicies.All.Contains(node.OnFailure))
        {
            problems.Add(ProblemPath.Member(path, "onFailure"), $"must be one of {string.Join(", ", FailurePolicies.All)}, not '{node.OnFailure}'");
        }

        if (!ErrorSeverities.All.Contains(node.Severity))
        {
            problems.Add(ProblemPath.Member(path, "severity"), $"must be one of {string.Join(", ", ErrorSeverities.All)}, not '{node.Severity}'");
        }

        var typePath = ProblemPath.Member(path, "type");
        if (node.Type.Length == 0)
        {
            problems.Add(typePath, $"required: one of {string.Join(", ", NodeTypes.All)}");
            return;
        }

        if (!NodeTypeSettings.ByType.TryGetValue(node.Type, out var accepted))
        {
            problems.Add(typePath, $"unknown node type '{node.Type}'; expected one of {string.Join(", ", NodeTypes.All)}");
            return;
        }

        foreach (var (setting, value) in node.Config)
        {
            var settingPath = ProblemPath.Member(path, setting);
            if (!accepted.Contains(setting))
            {
                problems.Add(settingPath, DescribeMisplaced(setting, node.Type));
            }
            else if (node.Type == NodeTypes.Job && Nodes.Executors.JobIdPlaceholder.Settings.Contains(setting))
            {
                problems.CheckTemplates(settingPath, Nodes.Executors.JobIdPlaceholder.Escape(value));
            }
            else if (!(node.Type == NodeTypes.Set && setting == "values"))
            {
                problems.CheckTemplates(settingPath, value);
            }
        }

        ValidateSettings(path, node, problems);
    }

    private static void ValidateRetry(string path, RetryPolicyDefinition retry, ProblemCollector problems)
    {
        if (retry.MaxAttempts is < 1 or > DefinitionLimits.MaxRetryAttempts)
        {
            problems.Add(ProblemPath.Member(path, "maxAttempts"), $"must be between 1 and {DefinitionLimits.MaxRetryAttempts}");
        }

        if (!(retry.Multiplier >= 1) || double.IsInfinity(retry.Multiplier))
        {
            problems.Add(ProblemPath.Member(path, "multiplier"), "must be ≥ 1");
        }

        if (!(retry.Jitter is >= 0 and <= 1))
        {
            problems.Add(ProblemPath.Member(path, "jitter"), "must be between 0 and 1");
        }

        var initial = problems.CheckDuration(ProblemPath.Member(path, "initialDelay"), retry.InitialDelay, mustBePositive: false);
        var max = problems.CheckDuration(ProblemPath.Member(path, "maxDelay"), retry.MaxDelay, mustBePositive: true);
        if (initial is not null && max is not null && max < initial)
        {
            problems.Add(ProblemPath.Member(path, "maxDelay"), $"must be ≥ initialDelay ({retry.InitialDelay})");
        }
    }

    private static void ValidateSettings(string path, NodeDefinition node, ProblemCollector problems)
    {
        switch (node.Type)
        {
            case NodeTypes.Worker:
                var taskQueue = RequireString(path, node, "queue", "the name of the task queue workers claim from", problems);
                if (taskQueue is not null && !DefinitionNames.IsWorkflowName(taskQueue))
                {
                    problems.Add(ProblemPath.Member(path, "queue"), $"'{taskQueue}' is not a queue name: {DefinitionNames.WorkflowNameRule}");
                }

                if (node.GetConfig("heartbeatTimeout") is { } heartbeat
                    && !(heartbeat.ValueKind == JsonValueKind.String && CompiledTemplate.MayContainExpressions(heartbeat.GetString()!)))
                {
                    problems.CheckDuration(ProblemPath.Member(path, "heartbeatTimeout"), heartbeat.ValueKind == JsonValueKind.String ? heartbeat.GetString() : "", mustBePositive: true);
                }

                break;
            case NodeTypes.Delay:
                var duration = RequireString(path, node, "duration", "how long to wait, e.g. 30s", problems);
                if (duration is not null && !CompiledTemplate.MayContainExpressions(duration))
                {
                    problems.CheckDuration(ProblemPath.Member(path, "duration"), duration, mustBePositive: false);
                }

                break;
            case NodeTypes.Log:
                RequireString(path, node, "message", "the text to log", problems);
                break;
            case NodeTypes.Fail:
                if (node.GetConfig("times") is { } times && !(times.ValueKind == JsonValueKind.Number && times.TryGetInt32(out var count) && count >= 0))
                {
                    problems.Add(ProblemPath.Member(path, "times"), "must be a whole number ≥ 0: how many attempts fail before one succeeds");
                }

                OptionalString(path, node, "message", problems);
                break;
            case NodeTypes.Set:
                ValidateSetValues(path, node, problems);
                break;
            case NodeTypes.Shell:
                ValidateCommand(path, node, problems);
                OptionalStringMap(path, node, "env", problems);
                OptionalString(path, node, "cwd", problems);
                break;
            case NodeTypes.Http:
                var method = RequireString(path, node, "method", $"one of {string.Join(", ", HttpMethods)}", problems);
                if (method is not null && !HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(ProblemPath.Member(path, "method"), $"must be one of {string.Join(", ", HttpMethods)}, not '{method}'");
                }

                var url = RequireString(path, node, "url", "the absolute http or https URL to call", problems);
                if (url is not null && !CompiledTemplate.MayContainExpressions(url)
                    && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
                {
                    problems.Add(ProblemPath.Member(path, "url"), $"'{url}' is not an absolute http or https URL");
                }

                OptionalStringMap(path, node, "headers", problems);
                break;
            case NodeTypes.DotNet:
                RequireString(path, node, "class", "the BaseNode class to run, e.g. Samples.ReadSensor", problems);
                break;
            case NodeTypes.Workflow:
                var workflow = RequireString(path, node, "workflow", "the name of the workflow to run", problems);
                if (workflow is not null && !CompiledTemplate.MayContainExpressions(workflow) && !DefinitionNames.IsWorkflowName(workflow))
                {
                    problems.Add(ProblemPath.Member(path, "workflow"), $"'{workflow}' is not a workflow name: {DefinitionNames.WorkflowNameRule}");
                }

                break;
            case NodeTypes.Agent:
                OptionalUrl(path, node, "url", problems);
                RequireString(path, node, "message", "the message to send to the agent", problems);
                OptionalString(path, node, "thread", problems);
                break;
            case NodeTypes.Job:
                JobSettingsValidator.Validate(path, node, problems);
                break;
            case NodeTypes.QueuePush:
                var queue = RequireString(path, node, "queue", "the name of the queue to push to", problems);
                if (queue is not null && !DefinitionNames.IsWorkflowName(queue))
                {
                    problems.Add(ProblemPath.Member(path, "queue"), $"'{queue}' is not a queue name: {DefinitionNames.WorkflowNameRule}");
                }

                break;
        }
    }

    private static void OptionalUrl(string path, NodeDefinition node, string setting, ProblemCollector problems)
    {
        OptionalString(path, node, setting, problems);
        if (node.GetConfig(setting) is { ValueKind: JsonValueKind.String } value && value.GetString() is { } url
            && !CompiledTemplate.MayContainExpressions(url) && !IsHttpUrl(url))
        {
            problems.Add(ProblemPath.Member(path, setting), $"'{url}' is not an absolute http or https URL");
        }
    }

    /// <summary>True for an absolute http or https URL.</summary>
    internal static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void ValidateSetValues(string path, NodeDefinition node, ProblemCollector problems)
    {
        var valuesPath = ProblemPath.Member(path, "values");
        if (node.GetConfig("values") is not { } values)
        {
            problems.Add(valuesPath, "required: a mapping of state keys to expressions");
            return;
        }

        if (values.ValueKind != JsonValueKind.Object)
        {
            problems.Add(valuesPath, "must be a mapping of state keys to expressions");
            return;
        }

        var any = false;
        foreach (var property in values.EnumerateObject())
        {
            any = true;

            // Strings are expressions; numbers, booleans, null, lists and mappings are assigned as they are.
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                problems.CheckExpression(ProblemPath.Member(valuesPath, property.Name), property.Value.GetString());
            }
        }

        if (!any)
        {
            problems.Add(valuesPath, "must assign at least one value");
        }
    }

    private static void ValidateCommand(string path, NodeDefinition node, ProblemCollector problems)
    {
        var commandPath = ProblemPath.Member(path, "command");
        if (node.GetConfig("command") is not { } command)
        {
            problems.Add(commandPath, "required: the program and its arguments as a list, e.g. [git, status]");
            return;
        }

        if (command.ValueKind != JsonValueKind.Array || command.GetArrayLength() == 0)
        {
            problems.Add(commandPath, "must be a non-empty list of strings (the program and its arguments); no shell string is ever built");
            return;
        }

        var index = 0;
        foreach (var argument in command.EnumerateArray())
        {
            if (argument.ValueKind != JsonValueKind.String)
            {
                problems.Add(ProblemPath.Index(commandPath, index), "must be a string");
            }
            else if (index == 0 && argument.GetString()!.Length == 0)
            {
                problems.Add(ProblemPath.Index(commandPath, index), "the program must not be empty");
            }

            index++;
        }
    }

    private static string? RequireString(string path, NodeDefinition node, string setting, string purpose, ProblemCollector problems)
    {
        var settingPath = ProblemPath.Member(path, setting);
        if (node.GetConfig(setting) is not { } value)
        {
            problems.Add(settingPath, $"required: {purpose}");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(settingPath, $"must be a string ({purpose})");
            return null;
        }

        var text = value.GetString()!;
        if (text.Trim().Length == 0)
        {
            problems.Add(settingPath, $"required: {purpose}");
            return null;
        }

        return text;
    }

    private static void OptionalString(string path, NodeDefinition node, string setting, ProblemCollector problems)
    {
        if (node.GetConfig(setting) is { ValueKind: not JsonValueKind.String })
        {
            problems.Add(ProblemPath.Member(path, setting), "must be a string");
        }
    }

    private static void OptionalStringMap(string path, NodeDefinition node, string setting, ProblemCollector problems)
    {
        if (node.GetConfig(setting) is not { } map)
        {
            return;
        }

        var settingPath = ProblemPath.Member(path, setting);
        if (map.ValueKind != JsonValueKind.Object)
        {
            problems.Add(settingPath, "must be a mapping of names to strings");
            return;
        }

        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                problems.Add(ProblemPath.Member(settingPath, property.Name), "must be a string");
            }
        }
    }

    private static string DescribeMisplaced(string setting, string type)
    {
        if (NodeDefinition.CommonProperties.Contains(setting))
        {
            return $"'{setting}' is a setting of every node and cannot be one of its type-specific settings";
        }

        var owners = NodeTypeSettings.TypesAccepting(setting).ToList();
        return owners.Count == 0
            ? $"unknown property '{setting}'"
            : $"'{setting}' is not a setting of {type} nodes (it belongs to {string.Join(", ", owners)} nodes)";
    }
}
