using Orchestrator.Worker;
using Orchestrator.WorkerProtocol;

// Standard output carries the protocol only: keep the real stream, and send whatever nodes print to standard error.
var output = Console.OpenStandardOutput();
Console.SetOut(Console.Error);

int exitCode;
using (var input = new StreamReader(Console.OpenStandardInput(), WorkerJson.Utf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16))
using (var replies = new ReplyWriter(output))
using (var loop = new RequestLoop(input, replies, TimeProvider.System))
{
    exitCode = await loop.RunAsync();
}

// A node may have started foreground threads; they must not keep the worker alive once the silo is done with it.
Environment.Exit(exitCode);
