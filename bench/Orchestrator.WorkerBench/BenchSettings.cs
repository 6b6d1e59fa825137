namespace Orchestrator.WorkerBench;

/// <summary>What one benchmark run measures: <see cref="Tasks"/> no-op tasks (one forEach node) claimed by
/// <see cref="Workers"/> worker processes with <see cref="MaxConcurrent"/> tasks in hand each, then
/// <see cref="PacedTasks"/> single-task runs started <see cref="PacedRate"/> a second.</summary>
internal sealed record BenchSettings(int Tasks, int Workers, int MaxConcurrent, Uri? Server, int PacedTasks = 200, int PacedRate = 20);
