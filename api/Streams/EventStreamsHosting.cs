using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Streams;

/// <summary>Services and middleware of the WebSocket streams.</summary>
public static class EventStreamsHosting
{
    /// <summary>Registers the streams' services; limits bind from the <c>WebSockets</c> configuration section.</summary>
    public static IServiceCollection AddEventStreams(this IServiceCollection services)
    {
        services.AddOptions<WebSocketStreamOptions>().BindConfiguration(WebSocketStreamOptions.Section);
        services.TryAddSingleton<EventSocketRegistry>();
        services.TryAddSingleton<RunEventFeed>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, WebSocketMatcherPolicy>());
        return services;
    }

    /// <summary>Accepts WebSocket handshakes (pinging idle clients) and, when the host begins to stop, sends
    /// <c>server_shutdown</c> to every open socket and closes it before the web server stops.</summary>
    public static IApplicationBuilder UseEventStreams(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<WebSocketStreamOptions>>().Value;
        var sockets = app.ApplicationServices.GetRequiredService<EventSocketRegistry>();
        app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(sockets.ShutdownAll);
        return app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        });
    }
}
