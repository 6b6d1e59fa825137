namespace Orchestrator.Api.Tasks;

/// <summary>The rule for task queue names, as definitions check a <c>worker</c> node's <c>queue</c>.</summary>
internal static class QueueNames
{
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');
}
