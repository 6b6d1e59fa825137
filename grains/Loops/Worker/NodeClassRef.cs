namespace Orchestrator.Loops.Worker;

/// <summary>A node class as a worker process loads it: its full name and the path of the assembly that defines it.</summary>
internal sealed record NodeClassRef(string ClassName, string AssemblyPath);
