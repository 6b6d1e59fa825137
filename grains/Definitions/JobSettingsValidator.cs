using System.Text.Json;
using Orchestrator.Expressions;
using Orchestrator.Nodes.Executors;

namespace Orchestrator.Definitions;

/// <summary>Checks a <c>job</c> node's settings: its requests (<c>submit</c>, <c>status</c>, <c>cancel</c>), its JSON
/// paths, the values that end the job, and <c>pollEvery</c>. Each problem names the field (<c>nodes.x.submit.url</c>).</summary>
internal static class JobSettingsValidator
{
    private static readonly HashSet<string> RequestFields = new(StringComparer.Ordinal) { "method", "url", "headers", "body" };

    public static void Validate(string path, NodeDefinition node, ProblemCollector problems)
    {
        ValidateRequest(path, node, "submit", required: true, acceptsBody: true, problems);
        ValidatePath(path, node, "idPath", "where the submit's answer holds the job's id, e.g. $.name", problems);
        ValidateRequest(path, node, "status", required: true, acceptsBody: false, problems);
        ValidatePath(path, node, "donePath", "where the status answer holds the job's state, e.g. $.status", problems);
        ValidateValues(path, node, "successValues", required: true, problems);
        ValidateValues(path, node, "failureValues", required: false, problems);
        ValidatePollEvery(path, node, problems);
        ValidateRequest(path, node, "cancel", required: false, acceptsBody: false, problems);
    }

    private static void ValidateRequest(string path, NodeDefinition node, string setting, bool required, bool acceptsBody, ProblemCollector problems)
    {
        var requestPath = ProblemPath.Member(path, setting);
        if (node.GetConfig(setting) is not { } request)
        {
            if (required)
            {
                problems.Add(requestPath, "required: a mapping {method?, url, headers?" + (acceptsBody ? ", body?}" : "}"));
            }

            return;
        }

        if (request.ValueKind != JsonValueKind.Object)
        {
            problems.Add(requestPath, "must be a mapping {method?, url, headers?" + (acceptsBody ? ", body?}" : "}"));
            return;
        }

        foreach (var field in request.EnumerateObject())
        {
            if (!RequestFields.Contains(field.Name) || (field.Name == "body" && !acceptsBody))
            {
                problems.Add(ProblemPath.Member(requestPath, field.Name), $"unknown property '{field.Name}' of {setting}");
            }
        }

        if (request.TryGetProperty("method", out var method)
            && (method.ValueKind != JsonValueKind.String || !NodeValidator.HttpMethods.Contains(method.GetString(), StringComparer.OrdinalIgnoreCase)))
        {
            problems.Add(ProblemPath.Member(requestPath, "method"), $"must be one of {string.Join(", ", NodeValidator.HttpMethods)}");
        }

        var urlPath = ProblemPath.Member(requestPath, "url");
        if (!request.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || url.GetString()!.Trim().Length == 0)
        {
            problems.Add(urlPath, "required: the absolute http or https URL to call" + (setting == "submit" ? "" : $" ({JobIdPlaceholder.Text} is the job's id)"));
        }
        else if (!CompiledTemplate.MayContainExpressions(url.GetString()!) && !NodeValidator.IsHttpUrl(url.GetString()!))
        {
            problems.Add(urlPath, $"'{url.GetString()}' is not an absolute http or https URL");
        }

        if (request.TryGetProperty("headers", out var headers))
        {
            var headersPath = ProblemPath.Member(requestPath, "headers");
            if (headers.ValueKind != JsonValueKind.Object)
            {
                problems.Add(headersPath, "must be a mapping of names to strings");
            }
            else
            {
                foreach (var header in headers.EnumerateObject().Where(h => h.Value.ValueKind != JsonValueKind.String))
                {
                    problems.Add(ProblemPath.Member(headersPath, header.Name), "must be a string");
                }
            }
        }
    }

    private static void ValidatePath(string path, NodeDefinition node, string setting, string purpose, ProblemCollector problems)
    {
        var settingPath = ProblemPath.Member(path, setting);
        if (node.GetConfig(setting) is not { ValueKind: JsonValueKind.String } value || value.GetString()!.Trim().Length == 0)
        {
            problems.Add(settingPath, $"required: a JSON path, {purpose}");
        }
        else if (!JsonPathQuery.TryParse(value.GetString()!, out _, out var error))
        {
            problems.Add(settingPath, error!);
        }
    }

    private static void ValidateValues(string path, NodeDefinition node, string setting, bool required, ProblemCollector problems)
    {
        var settingPath = ProblemPath.Member(path, setting);
        if (node.GetConfig(setting) is not { } values)
        {
            if (required)
            {
                problems.Add(settingPath, "required: a list of the values at donePath that mean the job succeeded, e.g. [SUCCEEDED]");
            }

            return;
        }

        if (values.ValueKind != JsonValueKind.Array || (required && values.GetArrayLength() == 0))
        {
            problems.Add(settingPath, required ? "must be a non-empty list of values" : "must be a list of values");
            return;
        }

        var index = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                problems.Add(ProblemPath.Index(settingPath, index), "must be a string, number, boolean or null");
            }

            index++;
        }
    }

    private static void ValidatePollEvery(string path, NodeDefinition node, ProblemCollector problems)
    {
        var settingPath = ProblemPath.Member(path, "pollEvery");
        switch (node.GetConfig("pollEvery"))
        {
            case null:
                return;
            case { ValueKind: JsonValueKind.String } every:
                problems.CheckDuration(settingPath, every.GetString(), mustBePositive: true);
                return;
            case { ValueKind: JsonValueKind.Object } every:
                TimeSpan? initial = null, max = null;
                foreach (var field in every.EnumerateObject())
                {
                    var fieldPath = ProblemPath.Member(settingPath, field.Name);
                    if (field.Name is not ("initial" or "max"))
                    {
                        problems.Add(fieldPath, $"unknown property '{field.Name}' of pollEvery (initial, max)");
                    }
                    else if (field.Value.ValueKind != JsonValueKind.String)
                    {
                        problems.Add(fieldPath, "must be a duration, e.g. 5s");
                    }
                    else if (field.Name == "initial")
                    {
                        initial = problems.CheckDuration(fieldPath, field.Value.GetString(), mustBePositive: true);
                    }
                    else
                    {
                        max = problems.CheckDuration(fieldPath, field.Value.GetString(), mustBePositive: true);
                    }
                }

                if (initial is not null && max is not null && max < initial)
                {
                    problems.Add(ProblemPath.Member(settingPath, "max"), "must be ≥ initial");
                }

                return;
            default:
                problems.Add(settingPath, "must be a duration (5s) or a mapping {initial, max}");
                return;
        }
    }
}
