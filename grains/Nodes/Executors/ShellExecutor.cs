using Orchestrator.Providers.Hosting;
using Microsoft.Extensions.DependencyInjection;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Orchestrator.Nodes.Secrets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Definitions;
using Orchestrator.Diagnostics;

namespace Orchestrator.Nodes.Executors;

/// <summary>
/// <c>shell {command: [argv…], env?, cwd?}</c>: starts the program <c>command[0]</c> with the other entries as its
/// arguments, each passed as one argument exactly as rendered (no shell ever parses them). Output
/// <c>{exitCode, stdout, stderr}</c>, plus the properties of stdout when it is a JSON object, plus
/// <c>stdoutTruncated</c>/<c>stderrTruncated</c> when a stream exceeded <see cref="NodeExecutorOptions.MaxOutputBytes"/>.
/// A non-zero exit fails the attempt; cancellation kills the whole process tree.
/// </summary>
internal sealed partial class ShellExecutor(IOptions<NodeExecutorOptions> options, [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock, ILogger<ShellExecutor> logger)
    : INodeExecutor
{
    private const int StderrTailLength = 2000;
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly HashSet<string> ReservedOutputs = new(StringComparer.Ordinal)
    {
        "exitCode", "stdout", "stderr", "stdoutTruncated", "stderrTruncated",
    };

    public string Type => NodeTypes.Shell;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var startInfo = CreateStartInfo(invocation);
        if (!NodePolicy.ShellAllowed(startInfo.FileName, options.Value))
        {
            throw new NodeExecutionException(
                $"shell node '{invocation.Node}': the program '{startInfo.FileName}' is refused: the silo listens beyond loopback and --shell-allow does not name it.");
        }

        cancellationToken.ThrowIfCancellationRequested();

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new NodeExecutionException(
                $"shell node '{invocation.Node}': the program '{startInfo.FileName}' could not be started ({exception.Message}); "
                + "check that it is installed and on PATH, or give its full path.",
                exception);
        }

        var pid = process.Id;
        LogStarted(logger, invocation.RunId, invocation.Node, startInfo.FileName, pid);
        process.StandardInput.Close();
        var maxBytes = options.Value.MaxOutputBytes;
        var stdout = ReadQuietlyAsync(process.StandardOutput.BaseStream, maxBytes);
        var stderr = ReadQuietlyAsync(process.StandardError.BaseStream, maxBytes);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(stdout, stderr).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await KillAsync(process, invocation, pid);
            throw;
        }

        return Complete(invocation, startInfo.FileName, process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo CreateStartInfo(NodeInvocation invocation)
    {
        if (!invocation.Config.TryGetPropertyValue("command", out var command) || command is not JsonArray { Count: > 0 } argv)
        {
            throw new NodeExecutionException(
                $"shell node '{invocation.Node}': the setting 'command' must be a non-empty list: the program and its arguments.");
        }

        var program = NodeSettings.ToText(argv[0]);
        if (program.Length == 0)
        {
            throw new NodeExecutionException($"shell node '{invocation.Node}': the program (command[0]) is empty.");
        }

        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in argv.Skip(1))
        {
            startInfo.ArgumentList.Add(NodeSettings.ToText(argument));
        }

        if (NodeSettings.OptionalText(invocation, "cwd") is { Length: > 0 } cwd)
        {
            if (!Directory.Exists(cwd))
            {
                throw new NodeExecutionException($"shell node '{invocation.Node}': the working directory '{cwd}' does not exist.");
            }

            startInfo.WorkingDirectory = cwd;
        }

        if (NodeSettings.OptionalObject(invocation, "env") is { } env)
        {
            foreach (var (name, value) in env)
            {
                startInfo.Environment[name] = NodeSettings.ToText(value);
            }
        }

        // The silo's own secrets never reach a child unless its env setting names them (${secret.NAME}).
        foreach (var inherited in startInfo.Environment.Keys.Where(k => k.StartsWith(SecretStore.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            if (invocation.Config["env"] is not JsonObject given || !given.ContainsKey(inherited))
            {
                startInfo.Environment.Remove(inherited);
            }
        }

        // Set last so that a definition cannot pass off another attempt's identity.
        startInfo.Environment["ORCHESTRATOR_IDEMPOTENCY_KEY"] = invocation.IdempotencyKey;
        startInfo.Environment["ORCHESTRATOR_ATTEMPT"] = invocation.Attempt.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["ORCHESTRATOR_RUN_ID"] = invocation.RunId;
        startInfo.Environment["ORCHESTRATOR_NODE"] = invocation.Node;
        if (invocation.OutgoingTraceParent is { } traceParent)
        {
            startInfo.Environment[OrchestratorTracing.TraceParentVariable] = traceParent;
        }
        return startInfo;
    }

    private static NodeOutcome Complete(NodeInvocation invocation, string program, int exitCode, CappedContent stdout, CappedContent stderr)
    {
        var stdoutText = Encoding.UTF8.GetString(stdout.Bytes);
        var stderrText = Encoding.UTF8.GetString(stderr.Bytes);
        if (exitCode != 0)
        {
            var tail = stderrText.Trim();
            tail = tail.Length == 0 ? "(stderr was empty)" : tail.Length > StderrTailLength ? "…" + tail[^StderrTailLength..] : tail;
            throw new NodeExecutionException($"shell node '{invocation.Node}': '{program}' exited with code {exitCode}; stderr: {tail}");
        }

        var output = new JsonObject();
        if (!stdout.Truncated && ParseObject(stdoutText) is { } parsed)
        {
            foreach (var (name, value) in parsed)
            {
                if (!ReservedOutputs.Contains(name))
                {
                    output[name] = value?.DeepClone();
                }
            }
        }

        output["exitCode"] = exitCode;
        output["stdout"] = stdoutText;
        output["stderr"] = stderrText;
        if (stdout.Truncated)
        {
            output["stdoutTruncated"] = true;
        }

        if (stderr.Truncated)
        {
            output["stderrTruncated"] = true;
        }

        return NodeOutcome.Of(output);
    }

    private static JsonObject? ParseObject(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<CappedContent> ReadQuietlyAsync(Stream stream, int maxBytes)
    {
        try
        {
            return await CappedContent.ReadAsync(stream, maxBytes, drain: true, CancellationToken.None);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The pipe went away with a killed process; what was read before is of no use to a cancelled attempt.
            return new CappedContent([], Truncated: false);
        }
    }

    private async Task KillAsync(Process process, NodeInvocation invocation, int pid)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited, or exiting; nothing is left to kill.
            LogKillFailed(logger, invocation.RunId, invocation.Node, pid, exception.Message);
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillWait, clock);
            LogKilled(logger, invocation.RunId, invocation.Node, pid);
        }
        catch (TimeoutException)
        {
            LogKillFailed(logger, invocation.RunId, invocation.Node, pid, $"still running {KillWait.TotalSeconds:0} s after the kill");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} node {Node}: started '{Program}' as process {Pid}")]
    private static partial void LogStarted(ILogger logger, string runId, string node, string program, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} node {Node}: the attempt was cancelled; killed process tree {Pid}")]
    private static partial void LogKilled(ILogger logger, string runId, string node, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} node {Node}: killing process tree {Pid} failed: {Reason}")]
    private static partial void LogKillFailed(ILogger logger, string runId, string node, int pid, string reason);
}
