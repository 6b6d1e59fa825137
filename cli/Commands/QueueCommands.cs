using System.CommandLine;
using System.Globalization;
using Orchestrator.Queues;

namespace Orchestrator.Cli.Commands;

/// <summary><c>orchestrator queue list|show|dead-letters</c>.</summary>
internal static class QueueCommands
{
    public static Command Create(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "The queue's name" };
        var limit = new Option<int?>("--limit") { Description = "At most this many (default 100)" };

        return CliApp.Group(
            "queue",
            "The queues loops push to and consume from: depth, consumers and their lag, dead letters.",
            app.Command(
                "list",
                "Every queue that holds messages or has consumers.",
                "orchestrator queue list",
                async cli =>
                {
                    var queues = await cli.Client.ListQueuesAsync(cli.Cancellation);
                    cli.Output.List(new { items = queues }, queues, null, "queues", Columns);
                    return ExitCodes.Success;
                }),
            app.Command(
                "show",
                "A queue: depth, counters, and each consumer's offset and lag.",
                "orchestrator queue show readings",
                async cli =>
                {
                    var queue = await cli.Client.GetQueueAsync(cli.Get(name), cli.Cancellation);
                    cli.Output.Item(queue, view => view
                        .Field("queue", queue.Name)
                        .Field("depth", Show.Number(queue.Depth))
                        .Field("produced", Show.Number(queue.Produced))
                        .Field("consumed", Show.Number(queue.Consumed))
                        .Field("dead-lettered", Show.Number(queue.DeadLettered))
                        .Field("capacity", Show.Number(queue.Capacity))
                        .Table("consumers", queue.Consumers, ConsumerColumns));
                    return ExitCodes.Success;
                },
                name),
            app.Command(
                "dead-letters",
                "Messages a consumer gave up on, oldest first.",
                "orchestrator queue dead-letters readings --limit 20",
                async cli =>
                {
                    var letters = await cli.Client.GetDeadLettersAsync(cli.Get(name), cli.Maybe(limit), cli.Cancellation);
                    cli.Output.List(new { items = letters }, letters, null, "dead letters", DeadLetterColumns);
                    return ExitCodes.Success;
                },
                name,
                limit));
    }

    private static readonly Column<QueueInfo>[] Columns =
    [
        new("QUEUE", q => q.Name),
        new("DEPTH", q => Show.Number(q.Depth)),
        new("PRODUCED", q => Show.Number(q.Produced)),
        new("CONSUMED", q => Show.Number(q.Consumed)),
        new("DEAD", q => Show.Number(q.DeadLettered)),
        new("CONSUMERS", q => q.Consumers.Count.ToString(CultureInfo.InvariantCulture)),
        new("MAX LAG", q => q.Consumers.Count == 0 ? "" : Show.Number(q.Consumers.Max(c => c.Lag))),
    ];

    private static readonly Column<QueueConsumerInfo>[] ConsumerColumns =
    [
        new("CONSUMER", c => c.Consumer),
        new("OFFSET", c => Show.Number(c.Offset)),
        new("LAG", c => Show.Number(c.Lag)),
        new("FAILURES", c => c.Failures.ToString(CultureInfo.InvariantCulture)),
        new("LAST ERROR", c => Show.Cut(c.LastError, 60)),
    ];

    private static readonly Column<QueueDeadLetter>[] DeadLetterColumns =
    [
        new("CONSUMER", d => d.Consumer),
        new("SEQ", d => Show.Number(d.Sequence)),
        new("ATTEMPTS", d => d.Attempts.ToString(CultureInfo.InvariantCulture)),
        new("DEAD-LETTERED", d => Show.Time(d.DeadLetteredAt)),
        new("ERROR", d => Show.Cut(d.Error, 50)),
        new("PAYLOAD", d => Show.Cut(d.Payload, 50)),
    ];
}
