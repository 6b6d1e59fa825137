using System.Text.Json.Nodes;

namespace Orchestrator.Schedules;

/// <summary>One node a schedule runs on its own: a node type (<c>shell</c>, <c>http</c>, …) and that node's
/// configuration, as seed 004's <c>taskType</c> and <c>taskConfig</c>.</summary>
/// <param name="Type">A node type (see <c>NodeTypes</c>).</param>
/// <param name="Config">The node's settings, as in a definition's node (<c>command</c>, <c>url</c>, <c>timeout</c>, <c>retry</c>, …).</param>
public sealed record ScheduleTask(string Type, JsonObject? Config);
