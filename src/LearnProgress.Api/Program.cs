using LearnProgress.Api.Benchmark;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Heatmap;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Progress;
using LearnProgress.Api.Security;
using LearnProgress.Api.Stats;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.AddRequestLogging();
builder.AddProblemResponses();
builder.AddApiJson();
builder.AddBufferAndStore();
builder.AddServiceMetrics();
builder.AddTokenAuth();
builder.AddDashboardAccess();
builder.AddRequestProtection();
builder.AddProgressServices();
builder.AddFlushScheduling();
builder.AddReadinessChecks();
builder.AddOpenApiDocs();

var app = builder.Build();

app.UseSerilogRequestLogging();
app.UseProblemResponses();
app.UseRequestProtection();
app.UseSwagger();
app.UseSwaggerUI();
app.UseAuthentication();
app.UseRateLimits();
app.UseAuthorization();
app.UseStrictJson();

app.MapProgressApi();
app.MapHeatmapApi();
app.MapStatsApi();
app.MapSettingsApi();
app.MapCoursesApi();
app.MapOperationsApi();
app.MapServiceMetrics();
app.MapHangfireDashboardForAdmins();
app.MapDevTokenApi();
app.MapBenchmarkApi();

app.Run();

public partial class Program;
