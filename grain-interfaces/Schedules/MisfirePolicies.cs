namespace Orchestrator.Schedules;

/// <summary>What a schedule does with occurrences that fell due while it could not fire (the silo was down): an
/// occurrence is missed when it is found more than the misfire threshold (1 minute) after its time.</summary>
public static class MisfirePolicies
{
    /// <summary>One catch-up fire for the latest missed occurrence; the others are recorded as skipped. The default.</summary>
    public const string FireOnce = "fireOnce";

    /// <summary>No catch-up fire: missed occurrences are recorded as skipped.</summary>
    public const string Skip = "skip";

    /// <summary>One fire per missed occurrence, oldest first, for at most the latest <c>misfireLimit</c> of them; older
    /// ones are recorded as skipped. Each fire still goes through the overlap policy.</summary>
    public const string FireAll = "fireAll";

    /// <summary>Every policy.</summary>
    public static IReadOnlyList<string> All { get; } = [FireOnce, Skip, FireAll];
}
