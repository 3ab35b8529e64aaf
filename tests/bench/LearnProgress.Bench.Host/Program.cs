using LearnProgress.Api.Hosting;
using LearnProgress.Bench.Host;

// The service exactly as Program.cs composes it, plus the benchmark's yardsticks beside the ping endpoint.
var builder = WebApplication.CreateBuilder(args);
builder.AddLearnProgress();

var app = builder.Build();
app.UseLearnProgress();
app.MapBenchmarkApi();
app.Run();
