using System.Diagnostics;
using OpenTelemetry;
using Orchestrator.Nodes.Secrets;

namespace Orchestrator.Silo.Telemetry;

/// <summary>Takes a node attempt's secrets out of the spans made while it runs (the HTTP client's span names its URL,
/// and its status may quote an error) before they are exported. Exception events are not recorded on those spans
/// (the HTTP client instrumentation's default), so tags, name and status are all there is.</summary>
internal sealed class SecretRedactingProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!SecretScope.Active)
        {
            return;
        }

        data.DisplayName = SecretScope.Redact(data.DisplayName);
        if (data.StatusDescription is { } description)
        {
            data.SetStatus(data.Status, SecretScope.Redact(description));
        }

        foreach (var (key, value) in data.TagObjects.ToList())
        {
            if (value is string text && SecretScope.Redact(text) is var redacted && redacted != text)
            {
                data.SetTag(key, redacted);
            }
        }
    }
}
