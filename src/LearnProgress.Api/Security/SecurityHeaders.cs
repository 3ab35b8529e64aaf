using Microsoft.Net.Http.Headers;

namespace LearnProgress.Api.Security;

/// <summary>Response headers that keep browsers from sniffing, framing, caching or leaking what the service answers.</summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    // JSON answers never load anything.
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // The dashboard and Swagger UI load their own scripts and styles and use inline style attributes and data: images.
    private const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    // The learner's pages and the credential verification page: their own scripts, styles, clip and API only; not even
    // inline styles.
    private const string LearnPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        // Decided now: the dashboard moves its path into PathBase while it runs.
        var policy = context.Request.Path.StartsWithSegments("/learn") || context.Request.Path.StartsWithSegments("/verify") ? LearnPolicy : IsPage(context.Request.Path) ? PagePolicy : ApiPolicy;
        // Set when the response starts, so headers survive the exception handler clearing the response.
        context.Response.OnStarting(static state =>
        {
            var (response, policy) = ((HttpResponse, string))state;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = policy;
            // Static assets of the pages keep their own caching; everything else may hold a learner's data.
            if (!headers.ContainsKey(HeaderNames.CacheControl)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }, (context.Response, policy));
        return next(context);
    }

    private static bool IsPage(PathString path) =>
        path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/swagger");
}
