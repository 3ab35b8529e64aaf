using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;


namespace LearnProgress.Api.Hosting;

/// <summary>Every client error becomes an RFC 7807 problem that names the offending field and nothing internal.</summary>
public static class ProblemExtensions
{
    public static IHostApplicationBuilder AddProblemResponses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier));
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<UnavailableHandler>();
        // Binding failures throw, so BadRequestHandler can say which field was wrong.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        return builder;
    }

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad) return false;
            var problem = new HttpValidationProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "The request body must be application/json.",
                    _ => "The request body could not be read.",
                },
            };
            if (bad.InnerException is JsonException json)
            {
                var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "$" : json.Path.TrimStart('$', '.');
                problem.Errors[field] = [json.LineNumber is null
                    ? "The JSON is malformed."
                    : $"The JSON is malformed or has a value of the wrong type here (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})."];
            }
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
        }
    }
}

/// <summary>
/// An unreachable, busy or locked buffer or store is a 503 problem with Retry-After, which clients (the player SDK)
/// retry, instead of an opaque 500. One place maps every handler's failures, so no endpoint needs its own catch.
/// During an outage every request fails the same way: one warning per dependency every few seconds says so, and
/// the metrics count each answer.
/// </summary>
internal sealed partial class UnavailableHandler(IProblemDetailsService problems, Operations.ServiceHealth health, ILogger<UnavailableHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private long _lastBufferLog;
    private long _lastStoreLog;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Dependencies.Unavailable(exception) is not { } dependency) return false;
        health.Unavailable(dependency);
        ref var last = ref dependency == Dependency.Buffer ? ref _lastBufferLog : ref _lastStoreLog;
        var now = Environment.TickCount64;
        var previous = Interlocked.Read(ref last);
        if (now - previous >= LogEvery.TotalMilliseconds && Interlocked.CompareExchange(ref last, now, previous) == previous)
            LogUnavailable(logger, dependency.Describe(), exception);

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = $"The {dependency.Describe()} cannot be reached or is busy; nothing was written. Try again in {RetryAfterSeconds} s.",
            },
        });
    }

    [LoggerMessage(LogLevel.Warning, "The {Dependency} is unavailable; requests that need it answer 503 until it returns")]
    private static partial void LogUnavailable(ILogger logger, string dependency, Exception exception);
}

/// <summary>Problem results for handlers, with field errors like validation problems.</summary>
public static class Problems
{
    public static Microsoft.AspNetCore.Mvc.ProblemDetails Fields(int status, string title, IDictionary<string, string[]> errors) =>
        new HttpValidationProblemDetails(errors) { Status = status, Title = title };

    public static Microsoft.AspNetCore.Mvc.ProblemDetails Field(int status, string title, string field, string error) =>
        Fields(status, title, new Dictionary<string, string[]> { [field] = [error] });

    public static Microsoft.AspNetCore.Mvc.ProblemDetails NotFound(string field, string error) =>
        Field(StatusCodes.Status404NotFound, "Not found.", field, error);

    public static Microsoft.AspNetCore.Mvc.ProblemDetails Invalid(IDictionary<string, string[]> errors) =>
        Fields(StatusCodes.Status400BadRequest, "One or more fields are invalid.", errors);
}
