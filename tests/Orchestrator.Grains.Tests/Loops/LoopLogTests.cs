using Orchestrator.Loops;

namespace Orchestrator.Grains.Tests.Loops;

/// <summary>Reading a loop's log: forward from a line, or the tail.</summary>
public sealed class LoopLogTests
{
    private static LoopLog Filled(int lines)
    {
        var log = new LoopLog(TimeProvider.System);
        for (var i = 1; i <= lines; i++)
        {
            log.Info($"line {i}", node: i % 2 == 0 ? "even" : "odd", iteration: i);
        }

        return log;
    }

    [Fact]
    public void After_PagesForwardFromTheGivenLine_OldestFirst()
    {
        var log = Filled(87);

        Assert.Equal([1L, 2, 3], log.Read(new LoopLogQuery { AfterSeq = 0, Limit = 3 }).Select(e => e.Seq));
        Assert.Equal([4L, 5, 6], log.Read(new LoopLogQuery { AfterSeq = 3, Limit = 3 }).Select(e => e.Seq));
        Assert.Equal([86L, 87], log.Read(new LoopLogQuery { AfterSeq = 85, Limit = 3 }).Select(e => e.Seq));
        Assert.Empty(log.Read(new LoopLogQuery { AfterSeq = 87, Limit = 3 }));
    }

    [Fact]
    public void NoAfter_IsTheTail_OldestFirst()
    {
        var log = Filled(87);

        Assert.Equal([85L, 86, 87], log.Read(new LoopLogQuery { Limit = 3 }).Select(e => e.Seq));
    }

    [Fact]
    public void Node_FiltersBeforePaging()
    {
        var log = Filled(10);

        Assert.Equal([2L, 4], log.Read(new LoopLogQuery { Node = "even", AfterSeq = 0, Limit = 2 }).Select(e => e.Seq));
        Assert.Equal([8L, 10], log.Read(new LoopLogQuery { Node = "even", Limit = 2 }).Select(e => e.Seq));
    }
}
