using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learn;

var builder = WebApplication.CreateBuilder(args);
builder.AddLearnProgress();

var app = builder.Build();
app.UseLearnProgress();
app.MapLearnPages();
app.Run();

public partial class Program;
