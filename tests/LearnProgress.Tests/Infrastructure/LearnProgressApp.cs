using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hangfire;
using LearnProgress.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LearnProgress.Tests.Infrastructure;

/// <summary>
/// The real service in-process: real buffer (embedded Garnet, or the redis-server given) and a real SQLite file in a
/// private directory. The recurring flush is off unless asked for, so tests decide when flushes happen.
/// </summary>
public sealed class LearnProgressApp : WebApplicationFactory<Program>
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _scheduler;
    private readonly TimeProvider? _time;

    public LearnProgressApp(string? redis = null, bool scheduler = false, Dictionary<string, string?>? settings = null,
        string environment = "Testing", TimeProvider? time = null)
    {
        _scheduler = scheduler;
        _time = time;
        Environment = environment;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _directory.Path,
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["WriteBehind:Buckets"] = "64",
            ["ConnectionStrings:Redis"] = redis,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // Tests send many requests at once as one caller; the rate-limit tests set their own limits.
            ["RateLimiting:PingBurst"] = "100000",
            ["RateLimiting:PingTokensPerSecond"] = "100000",
            ["RateLimiting:AnonymousPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? []) _settings[key] = value;
    }

    public string Environment { get; }
    public string DataDirectory => _directory.Path;

    public IProgressBuffer Buffer => Services.GetRequiredService<IProgressBuffer>();
    public IProgressStore Store => Services.GetRequiredService<IProgressStore>();
    /// <summary>The store's ports as the service drives them, for checking what was stored.</summary>
    public RecordHarness Record => new(Store, Services.GetRequiredService<ICourseCatalog>(), Services.GetRequiredService<ILearnerSettings>());
    public int StoreCalls => Services.GetRequiredService<StoreCalls>().Calls;
    public int StoreCallsFor(string userId) => Services.GetRequiredService<StoreCalls>().CallsFor(userId);
    public int CourseReadsOf(string courseId) => Services.GetRequiredService<StoreCalls>().CourseReadsOf(courseId);
    public int CourseReads => Services.GetRequiredService<StoreCalls>().CourseReads;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
            if (value is not null) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            Infrastructure.StoreCalls.Install(services);
            if (_time is not null) services.AddSingleton(_time);
            if (_scheduler) return;
            var hangfire = typeof(BackgroundJobServerHostedService).Assembly;
            var servers = services.Where(d => d.ServiceType == typeof(IHostedService) &&
                (d.ImplementationType == typeof(BackgroundJobServerHostedService) ||
                 d.ImplementationFactory?.Method.DeclaringType?.Assembly == hangfire)).ToList();
            if (servers.Count == 0) throw new InvalidOperationException("The Hangfire server registration was not found.");
            servers.ForEach(d => services.Remove(d));
        });
    }

    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Learner(string userId) => ClientFor(TestTokens.Timeless(userId));

    public HttpClient Admin() => ClientFor(TestTokens.Timeless("admin-1", "admin"));

    /// <summary>Creates a course with lectures of the given durations (l1, l2, ...).</summary>
    public async Task<string> CreateCourseAsync(params double[] durations)
    {
        var courseId = Unique.Id("c");
        using var admin = Admin();
        (await admin.PostAsJsonAsync("/api/v1/courses", new { id = courseId, title = "Course " + courseId })).EnsureSuccessStatusCode();
        for (var i = 0; i < durations.Length; i++)
            (await admin.PutAsJsonAsync($"/api/v1/courses/{courseId}/lectures/l{i + 1}",
                new { title = $"Lecture {i + 1}", durationSeconds = durations[i] })).EnsureSuccessStatusCode();
        return courseId;
    }

    public async Task<int> FlushAsync()
    {
        using var admin = Admin();
        var response = await admin.PostAsync("/api/v1/admin/flush", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<FlushAnswer>())!.Flushed;
    }

    private sealed record FlushAnswer(int Flushed);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
