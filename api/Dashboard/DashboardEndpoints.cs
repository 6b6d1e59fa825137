using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Dashboard;

/// <summary>The orchestrator's dashboard: plain HTML, CSS and JavaScript modules from the <c>dashboard</c> folder next to
/// the silo, nothing from the internet. Every page has its own address, each served the same page shell, which draws the
/// page from the address; the data comes from the documented API. The shell and its assets need no key (the shell asks
/// for one when the API does).</summary>
public static class DashboardEndpoints
{
    /// <summary>The addresses of the dashboard's pages (ids and names may hold dots: <c>/errors/01….analyze.1</c>).</summary>
    public static readonly IReadOnlyList<string> Pages =
    [
        "/", "/login", "/runs", "/runs/{id}", "/workflows", "/workflows/{name}", "/loops", "/loops/{id}", "/queues/{name}",
        "/schedules", "/schedules/{id}", "/errors", "/errors/{id}",
    ];

    private static string Root => Path.Combine(AppContext.BaseDirectory, "dashboard");

    /// <summary>Serves <c>/assets/…</c> (scripts, styles) ahead of authentication.</summary>
    public static IApplicationBuilder UseDashboardAssets(this IApplicationBuilder app)
    {
        var assets = Path.Combine(Root, "assets");
        if (!Directory.Exists(assets))
        {
            return app;
        }

        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(assets),
            RequestPath = "/assets",
            // Revalidated on every load, so a new silo's dashboard is never mixed with an old one's modules.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        foreach (var page in Pages)
        {
            app.MapGet(page, ServeShell).ExcludeFromDescription().Anonymous();
        }

        return app;
    }

    private static IResult ServeShell(HttpContext context)
    {
        var shell = Path.Combine(Root, "index.html");
        if (!File.Exists(shell))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The dashboard's files are not installed next to the silo.");
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(shell, "text/html; charset=utf-8");
    }
}
