namespace Orchestrator.Schedules;

/// <summary>A schedule definition failed validation; <see cref="Problems"/> lists every problem with its field.</summary>
[GenerateSerializer]
public sealed class ScheduleInvalidException : Exception
{
    public ScheduleInvalidException(IReadOnlyList<ScheduleProblem> problems)
        : base(Describe(problems)) => Problems = problems;

    public ScheduleInvalidException()
    {
    }

    public ScheduleInvalidException(string message) : base(message)
    {
    }

    public ScheduleInvalidException(string message, Exception innerException) : base(message, innerException)
    {
    }

    [Id(0)]
    public IReadOnlyList<ScheduleProblem> Problems { get; private set; } = [];

    private static string Describe(IReadOnlyList<ScheduleProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return $"The schedule has {problems.Count} problem(s): " + string.Join("; ", problems);
    }
}
