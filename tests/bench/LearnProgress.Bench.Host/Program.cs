using Serilog.AspNetCore;
using Serilog.Events;
using LearnProgress.Api.Hosting;
using LearnProgress.Bench.Host;

// The service exactly as Program.cs composes it, plus the benchmark's yardsticks beside the ping endpoint.
var builder = WebApplication.CreateBuilder(args);
builder.AddLearnProgress();
// The yardsticks run at the ping's rate, so their successes are logged at Debug as the ping's are.
builder.Services.PostConfigure<RequestLoggingOptions>(o =>
{
    var service = o.GetLevel;
    o.GetLevel = (http, elapsed, error) => http.Request.Path.StartsWithSegments("/api/v1/bench") && http.Response.StatusCode < 400 && error is null
        ? LogEventLevel.Debug
        : service(http, elapsed, error);
});

var app = builder.Build();
app.UseLearnProgress();
app.MapBenchmarkApi();
app.Run();
