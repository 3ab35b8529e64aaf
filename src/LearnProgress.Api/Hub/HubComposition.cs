using LearnProgress.Api.Security;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearnProgress.Api.Hub;

public sealed class HubOptions
{
    public const string Section = "Hub";

    /// <summary>Prefix of the backplane's Redis channels, so several services can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "lp:hub";
}

public static class HubComposition
{
    /// <summary>
    /// The progress hub. With <c>ConnectionStrings:Redis</c> set, instances share pushes through the Redis backplane
    /// (a learner's tabs may be connected to different instances); embedded mode is one process and needs none.
    /// </summary>
    public static IHostApplicationBuilder AddProgressHub(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HubOptions>().BindConfiguration(HubOptions.Section);
        var signalR = services.AddSignalR();
        var redis = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            var prefix = builder.Configuration[$"{HubOptions.Section}:{nameof(HubOptions.ChannelPrefix)}"] ?? new HubOptions().ChannelPrefix;
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix));
        }
        var shared = !string.IsNullOrWhiteSpace(redis);
        services.AddSingleton(sp => new HubPresence(sp, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<HubOptions>>(), shared));
        services.AddHostedService(sp => sp.GetRequiredService<HubPresence>());
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<ProgressPush>();
        services.AddSingleton<IRecordListener>(sp => sp.GetRequiredService<ProgressPush>());
        services.AddHostedService(sp => sp.GetRequiredService<ProgressPush>());

        // Browsers cannot set headers on a WebSocket, so the hub (and only the hub) takes the token from the query.
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
        {
            jwt.Events ??= new JwtBearerEvents();
            var previous = jwt.Events.OnMessageReceived;
            jwt.Events.OnMessageReceived = async context =>
            {
                await previous(context);
                if (context.Token is null && context.HttpContext.Request.Path.StartsWithSegments(ProgressHub.Path)
                    && context.Request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrEmpty(token))
                    context.Token = token;
            };
        });
        return builder;
    }

    public static WebApplication MapProgressHub(this WebApplication app)
    {
        // CORS does not apply to WebSockets: a page of any origin could open one with the learner's token.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ProgressHub.Path), branch => branch.Use(async (http, next) =>
        {
            if (AllowedOrigin(http))
            {
                await next(http);
                return;
            }
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "This origin may not connect to the hub.", Detail = "Add it to Cors:AllowedOrigins." },
            });
        }));
        app.MapHub<ProgressHub>(ProgressHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }

    private static bool AllowedOrigin(HttpContext http)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin)) return true; // not a browser: the token is the only credential
        if (string.Equals(origin, $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase)) return true;
        var allowed = http.RequestServices.GetRequiredService<IOptions<CorsOriginsOptions>>().Value.AllowedOrigins;
        return allowed.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }
}
