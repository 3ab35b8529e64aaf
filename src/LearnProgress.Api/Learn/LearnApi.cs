using LearnProgress.Api.Courses;
using LearnProgress.Core;
using LearnProgress.Core.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace LearnProgress.Api.Learn;

/// <summary>`Pages:*`: the learner's pages under /learn.</summary>
public sealed class PagesOptions
{
    public const string Section = "Pages";

    /// <summary>On in Development, off elsewhere unless set: outside Development the embedding site must hand the pages a token.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Courses the catalog page lists (besides those the learner has touched).</summary>
    public string[] Courses { get; set; } = [];
}

/// <summary>
/// The browser SDK at /sdk (always: video players on other origins load it) and the learner's pages at /learn,
/// both embedded in the assembly. Static files need no token and draw on no rate limit.
/// </summary>
public static class LearnApi
{
    public const string DemoCourse = "demo";
    private const string Revalidate = "no-cache";
    private const string Forever = "public, max-age=31536000, immutable";

    public sealed record SdkVersion(string Version, string Entry);

    public sealed record PagesConfig(bool DevTokens, IReadOnlyList<string> Courses, string Video, IReadOnlyList<string> Learners);

    public static void MapLearnPages(this WebApplication app)
    {
        var sdk = EmbeddedAssets.Load(typeof(LearnApi).Assembly, "sdk/");
        var sdkGroup = app.MapGroup("/sdk").AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        sdkGroup.MapGet("/version", () => TypedResults.Ok(new SdkVersion(sdk.Version, $"/sdk/{sdk.Version}/learnprogress.js")));
        // The plain path always revalidates; the versioned path never changes, so browsers keep it a year.
        sdkGroup.MapGet("/{file}", (string file, HttpContext http) => Serve(sdk, file, Revalidate, http));
        sdkGroup.MapGet("/{version}/{file}", (string version, string file, HttpContext http) =>
            version == sdk.Version ? Serve(sdk, file, Forever, http) : NotFound());

        var options = app.Configuration.GetSection(PagesOptions.Section).Get<PagesOptions>() ?? new PagesOptions();
        if (!(options.Enabled ?? app.Environment.IsDevelopment())) return;

        var pages = EmbeddedAssets.Load(typeof(LearnApi).Assembly, "learn/");
        var devTokens = app.Environment.IsDevelopment();
        var seeded = new Lazy<Task>(() => SeedDemoCourseAsync(app.Services), LazyThreadSafetyMode.ExecutionAndPublication);
        var learn = app.MapGroup("/learn").AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        // Routing matches /learn and /learn/ alike; relative links need the slash.
        learn.MapGet("/", (HttpContext http) => http.Request.Path.Value!.EndsWith('/')
            ? (IResult)Serve(pages, "index.html", Revalidate, http)
            : TypedResults.Redirect("/learn/" + http.Request.QueryString));
        learn.MapGet("/dashboard", (HttpContext http) => Serve(pages, "dashboard.html", Revalidate, http));
        learn.MapGet("/config.json", async () =>
        {
            // Development has a course to play at once; elsewhere the catalog is the operator's.
            if (devTokens) await seeded.Value;
            var courses = devTokens ? options.Courses.Prepend(DemoCourse).Distinct().ToArray() : options.Courses;
            return TypedResults.Ok(new PagesConfig(devTokens, courses, "/learn/demo.webm", devTokens ? ["ada", "alan", "grace"] : []));
        });
        learn.MapGet("/{file}", (string file, HttpContext http) =>
            Serve(pages, file, file.EndsWith(".webm", StringComparison.Ordinal) ? "public, max-age=86400" : Revalidate, http));
    }

    private static Results<FileContentHttpResult, NotFound> Serve(EmbeddedAssets assets, string file, string cacheControl, HttpContext http)
    {
        if (assets.Find(file) is not { } asset) return NotFound();
        http.Response.Headers.CacheControl = cacheControl;
        // Range requests are what let a <video> seek without loading the whole clip.
        return TypedResults.File(asset.Content, asset.ContentType, entityTag: asset.ETag, enableRangeProcessing: true);
    }

    private static Results<FileContentHttpResult, NotFound> NotFound() => TypedResults.NotFound();

    private static async Task SeedDemoCourseAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ICourseCatalog>();
        var catalog = scope.ServiceProvider.GetRequiredService<CatalogCache>();
        if (await store.GetCourseAsync(DemoCourse) is { TotalLectures: > 0 }) return;
        await store.CreateCourseAsync(DemoCourse, "Demo: test pattern");
        // Both lectures play the shipped 20 s clip, so their durations are the clip's.
        await store.PutLectureAsync(DemoCourse, new Lecture("pattern", "Colour bars", 20));
        await store.PutLectureAsync(DemoCourse, new Lecture("tone", "Tone at 440 Hz", 20));
        await catalog.InvalidateAsync(DemoCourse);
    }
}
