using LearnProgress.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLearnProgress();

var app = builder.Build();
app.UseLearnProgress();
app.Run();

public partial class Program;
