using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Definitions;
using Orchestrator.Providers.Hosting;

namespace Orchestrator.Nodes.Executors;

/// <summary>
/// <c>job {submit, idPath, status, donePath, successValues, failureValues?, pollEvery?, cancel?}</c> (seed 003's cloud
/// executor, for any job service with an HTTP API): submits the job, reads its id from the answer at <c>idPath</c>,
/// records it on the node, then calls <c>status</c> (<c>${job.id}</c> filled in) every <c>pollEvery</c> — the wait
/// doubling up to its cap — until the value at <c>donePath</c> is one of <c>successValues</c> (the node completes with
/// <c>{jobId, status, body}</c>) or <c>failureValues</c> (the attempt fails).
/// </summary>
/// <remarks>The job id is stored in the run (<see cref="NodeInvocation.RecordProgressAsync"/>, as waiting) before the
/// first poll: from then on the attempt holds no parallel-attempt slot, and after a silo restart it resumes polling the
/// same job instead of submitting another. A retry after the status calls failed polls the same job too; after the job
/// failed, was cancelled or timed out, a retry submits a new one. When the run is cancelled or the node's timeout
/// passes, <c>cancel</c> is called (best effort, bounded) before the attempt ends; when the silo stops, the job is left
/// running. Status answers of 5xx or network errors are retried up to <see cref="MaxStatusErrors"/> times in a row.</remarks>
internal sealed partial class JobExecutor(
    IHttpClientFactory clients,
    IOptions<NodeExecutorOptions> options,
    [FromKeyedServices(OrchestratorClock.Key)] TimeProvider clock,
    ILogger<JobExecutor> logger) : INodeExecutor
{
    /// <summary>Status calls that may fail in a row (5xx, network) before the attempt fails.</summary>
    public const int MaxStatusErrors = 5;

    /// <summary>How long the <c>cancel</c> call may take.</summary>
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(10);

    public string Type => NodeTypes.Job;

    /// <inheritdoc/>
    public async Task<NodeOutcome> ExecuteAsync(NodeInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var settings = JobSettings.Read(invocation);
        var who = $"job node '{invocation.Node}'";
        var client = clients.CreateClient(HttpExecutor.ClientName);
        var resumed = ResumableJob(invocation);
        string jobId;
        if (resumed is { } known)
        {
            jobId = known.JobId;
            LogResumed(logger, invocation.Node, jobId, invocation.RunId);
        }
        else
        {
            jobId = await SubmitAsync(invocation, settings, client, who, cancellationToken);
            var recorded = await RecordAsync(invocation, jobId, "submitted", done: false);
            if (!recorded && invocation.ProgressRecorder is not null)
            {
                // The run moved on while the job was submitted (the attempt was superseded): nobody would watch it.
                await CancelJobAsync(invocation, settings, client, jobId);
                throw new NodeExecutionException($"{who}: the attempt was superseded while job {jobId} was submitted; the job was cancelled.");
            }
        }

        try
        {
            return await PollAsync(invocation, settings, client, who, jobId, resumed?.Status ?? "submitted", immediately: resumed is not null, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !invocation.Abandoned.IsCancellationRequested)
        {
            await CancelJobAsync(invocation, settings, client, jobId);
            await RecordQuietlyAsync(invocation, jobId, "cancelled");
            throw;
        }
    }

    /// <summary>The job an earlier attempt (or this one, before a restart) submitted and that has not ended.</summary>
    private static (string JobId, string Status)? ResumableJob(NodeInvocation invocation) =>
        invocation.Progress is { } progress
        && progress["jobId"] is JsonValue id && NodeSettings.ToText(id) is { Length: > 0 } jobId
        && progress["done"]?.GetValueKind() != System.Text.Json.JsonValueKind.True
            ? (jobId, progress["status"] is { } status ? NodeSettings.ToText(status) : "submitted")
            : null;

    private async Task<string> SubmitAsync(NodeInvocation invocation, JobSettings settings, HttpClient client, string who, CancellationToken cancellationToken)
    {
        using var request = settings.Submit.Create(invocation, jobId: null);
        var answer = await OutboundCall.SendAsync(client, request, options.Value.MaxHttpResponseBytes, who, cancellationToken);
        if (!answer.IsSuccess)
        {
            throw new NodeExecutionException($"{who}: submitting the job, {OutboundCall.Describe(request)} answered {answer.Status}: {answer.Excerpt}");
        }

        if (!settings.IdPath.TrySelect(answer.Body, out var id) || id is null || NodeSettings.ToText(id) is not { Length: > 0 } jobId)
        {
            throw new NodeExecutionException($"{who}: the submit's answer has no job id at {settings.IdPath}: {answer.Excerpt}");
        }

        return jobId;
    }

    private async Task<NodeOutcome> PollAsync(
        NodeInvocation invocation, JobSettings settings, HttpClient client, string who, string jobId, string lastStatus, bool immediately, CancellationToken cancellationToken)
    {
        var wait = settings.PollInitial;
        var errors = 0;
        while (true)
        {
            if (!immediately)
            {
                await Task.Delay(wait, clock, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, settings.PollMax.Ticks));
            }

            immediately = false;
            using var request = settings.Status.Create(invocation, jobId);
            OutboundCall.Answer answer;
            try
            {
                answer = await OutboundCall.SendAsync(client, request, options.Value.MaxHttpResponseBytes, who, cancellationToken);
            }
            catch (NodeExecutionException e) when (++errors < MaxStatusErrors)
            {
                LogStatusFailed(logger, invocation.Node, jobId, e.Message);
                continue;
            }

            if (answer.Status >= 500 && ++errors < MaxStatusErrors)
            {
                LogStatusFailed(logger, invocation.Node, jobId, $"answered {answer.Status}");
                continue;
            }

            if (!answer.IsSuccess)
            {
                throw new NodeExecutionException($"{who}: the status of job {jobId}, {OutboundCall.Describe(request)}, answered {answer.Status}: {answer.Excerpt}");
            }

            errors = 0;
            if (!settings.DonePath.TrySelect(answer.Body, out var value))
            {
                // The state is not there yet (a Kubernetes Job's status.succeeded appears when it does).
                continue;
            }

            var status = value is null ? "null" : NodeSettings.ToText(value);
            if (JobSettings.Matches(value, settings.SuccessValues))
            {
                await RecordAsync(invocation, jobId, status, done: true);
                return NodeOutcome.Of(new JsonObject { ["jobId"] = jobId, ["status"] = status, ["body"] = answer.Body?.DeepClone() });
            }

            if (JobSettings.Matches(value, settings.FailureValues))
            {
                await RecordAsync(invocation, jobId, status, done: true);
                throw new NodeExecutionException($"{who}: job {jobId} failed: {settings.DonePath} is {status}");
            }

            if (status != lastStatus)
            {
                lastStatus = status;
                await RecordAsync(invocation, jobId, status, done: false);
            }
        }
    }

    /// <summary>Calls <c>cancel</c>, if the node has one; a failure is logged, never thrown: the attempt ends anyway.</summary>
    private async Task CancelJobAsync(NodeInvocation invocation, JobSettings settings, HttpClient client, string jobId)
    {
        if (settings.Cancel is not { } cancel)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(CancelTimeout, clock);
            using var request = cancel.Create(invocation, jobId);
            var answer = await OutboundCall.SendAsync(client, request, options.Value.MaxHttpResponseBytes, $"job node '{invocation.Node}'", timeout.Token);
            if (!answer.IsSuccess)
            {
                LogCancelFailed(logger, invocation.Node, jobId, $"answered {answer.Status}: {answer.Excerpt}");
            }
        }
        catch (Exception e) when (e is NodeExecutionException or OperationCanceledException)
        {
            LogCancelFailed(logger, invocation.Node, jobId, e.Message);
        }
    }

    private static Task<bool> RecordAsync(NodeInvocation invocation, string jobId, string status, bool done)
    {
        var progress = new JsonObject { ["jobId"] = jobId, ["status"] = status };
        if (done)
        {
            progress["done"] = true;
        }

        return invocation.RecordProgressAsync(progress, waiting: !done);
    }

    private async Task RecordQuietlyAsync(NodeInvocation invocation, string jobId, string status)
    {
        try
        {
            await RecordAsync(invocation, jobId, status, done: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The attempt ends as cancelled whether or not the run heard that its job was.
            LogCancelFailed(logger, invocation.Node, jobId, $"recording the cancellation failed: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job node {Node} of run {RunId} resumes polling job {JobId}")]
    private static partial void LogResumed(ILogger logger, string node, string jobId, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job node {Node}: a status call for job {JobId} failed, polling goes on: {Error}")]
    private static partial void LogStatusFailed(ILogger logger, string node, string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job node {Node}: cancelling job {JobId} failed: {Error}")]
    private static partial void LogCancelFailed(ILogger logger, string node, string jobId, string error);
}
