using FluentValidation;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Progress;
using LearnProgress.Core.Record;
using Microsoft.OpenApi;
using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;
using StackExchange.Redis;

namespace LearnProgress.Api.Hosting;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddRequestLogging(this IHostApplicationBuilder builder)
    {
        // The framework's own per-request lines (routing, endpoint, status) are for diagnosis, not for every ping;
        // these defaults hold even where no appsettings.json is found, and configuration can override them.
        builder.Services.AddSerilog((sp, log) => log
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Hangfire", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            // A line carries the trace and span it was written in (empty outside one), so logs and traces join up.
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {TraceId} {SpanId}{NewLine}{Exception}",
                formatProvider: System.Globalization.CultureInfo.InvariantCulture));
        // A line per successful ping would cost more than the ping (the console sink writes under a lock), so those
        // go at Debug; failures and every other request stay at Information.
        // Refusals (401, 403, 429) and outage answers (503) come in floods and are counted in the metrics instead;
        // an outage is logged once every few seconds by the handler that answers it.
        builder.Services.Configure<RequestLoggingOptions>(o => o.GetLevel = (http, _, error) =>
            http.Response.StatusCode is 401 or 403 or 429 or 503 ? LogEventLevel.Debug
            : error is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
            : http.Response.StatusCode < 400 && IsHighRate(http.Request.Path) ? LogEventLevel.Debug
            : LogEventLevel.Information);
        return builder;
    }

    private static bool IsHighRate(PathString path) =>
        path.StartsWithSegments("/api/v1/progress");

    public static IHostApplicationBuilder AddProgressServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Field errors name the JSON field the client sent (watchTime), not the C# property (WatchTime).
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) =>
            member is null ? null : System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        services.AddValidatorsFromAssemblyContaining<PingValidator>(ServiceLifetime.Singleton);
        services.AddSingleton<PingIntake>();
        services.AddSingleton<CatalogCache>();
        services.AddSingleton<LearnerZones>();
        services.AddSingleton<CompletionEvents>();
        services.AddSingleton<IRecordListener>(sp => sp.GetRequiredService<CompletionEvents>());
        services.AddHybridCache();
        // Course metadata is shared through the same Redis as the buffer (Garnet in embedded mode).
        services.AddStackExchangeRedisCache(o =>
        {
            o.InstanceName = "lp:cache:";
            o.ConnectionMultiplexerFactory = null;
        });
        services.AddOptions<Microsoft.Extensions.Caching.StackExchangeRedis.RedisCacheOptions>()
            .Configure<IServiceProvider>((o, sp) =>
                o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        return builder;
    }

    public static IHostApplicationBuilder AddOpenApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc("v1", new OpenApiInfo { Title = "LearnProgress", Version = "v1" });
            c.OperationFilter<ProblemResponses>();
            // A property that is never null (a value type, or a reference type not declared nullable) is required, so
            // generated clients (Kiota, openapi-typescript) type it as present.
            c.SupportNonNullableReferenceTypes();
            c.NonNullableReferenceTypesAsRequired();
            c.SchemaFilter<ValueTypesRequired>();
            c.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT whose 'sub' is the learner; in Development get one from GET /dev/token.",
            });
            c.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
        });
        return builder;
    }
}
