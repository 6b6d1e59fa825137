using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Api.Schedules;

/// <summary><c>/api/schedules</c> and seed 004's <c>/api/scheduler/schedules</c>.</summary>
public static class SchedulesApi
{
    public static IEndpointRouteBuilder MapSchedulesApi(this IEndpointRouteBuilder app) => app;
}
