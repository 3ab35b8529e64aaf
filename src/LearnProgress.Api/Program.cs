using LearnProgress.Api.Courses;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Operations;
using LearnProgress.Api.Progress;
using LearnProgress.Api.Security;
using Serilog;

var builder = WebApplication.CreateBuilder(args);

builder.AddRequestLogging();
builder.AddProblemResponses();
builder.AddBufferAndStore();
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

app.MapProgressApi();
app.MapCoursesApi();
app.MapOperationsApi();
app.MapHangfireDashboardForAdmins();
app.MapDevTokenApi();

app.Run();

public partial class Program;
