using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LearnProgress.Api.Security;

/// <summary>What stands between the network and the handlers: transport rules, headers, CORS, size and depth limits, rate limits.</summary>
public static class ProtectionExtensions
{
    public static IHostApplicationBuilder AddRequestProtection(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CorsOriginsOptions>().BindConfiguration(CorsOriginsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<JsonOptions>().Configure<IOptions<RequestLimitsOptions>>((json, limits) =>
            json.SerializerOptions.MaxDepth = limits.Value.MaxJsonDepth);

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CorsOriginsOptions>>((cors, origins) =>
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins.Value.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .WithHeaders("Authorization", "Content-Type")
                // The player waits out a 429 by Retry-After and corrects its clock by Date; both are hidden from other origins unless exposed.
                .WithExposedHeaders("Retry-After", "Date")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        services.AddRateLimits();
        return builder;
    }

    /// <summary>
    /// Runs after authorization, so an anonymous or refused caller costs no body read, and before binding, so no
    /// handler ever sees a body with invalid UTF-8 or a repeated key (<see cref="StrictJson"/>).
    /// </summary>
    public static WebApplication UseStrictJson(this WebApplication app)
    {
        app.UseMiddleware<StrictJson>();
        return app;
    }

    /// <summary>Runs before authentication: none of this needs to know the caller.</summary>
    public static WebApplication UseRequestProtection(this WebApplication app)
    {
        app.UseMiddleware<Operations.ServiceHealth.RefusalCounting>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }
        app.UseMiddleware<SecurityHeaders>();
        app.UseCors();
        app.UseMiddleware<BodySizeLimit>();
        return app;
    }
}
