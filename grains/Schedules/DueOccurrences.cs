namespace Orchestrator.Schedules;

/// <summary>Occurrences of a schedule that are due.</summary>
/// <param name="Latest">The latest of them, oldest first (as many as were asked for).</param>
/// <param name="Count">How many are due in all.</param>
/// <param name="CountIsLowerBound">True when there were too many to count exactly.</param>
internal sealed record DueOccurrences(IReadOnlyList<DateTimeOffset> Latest, long Count, bool CountIsLowerBound);
