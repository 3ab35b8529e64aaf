using System.Security.Claims;
using System.Text.Json.Nodes;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Learners;
using LearnProgress.Api.Security;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LearnProgress.Api.DataRights;

/// <summary>The learner's data rights: a copy of everything held (GDPR articles 15 and 20) and erasure (article 17).</summary>
public static partial class DataRightsApi
{
    public const string Json = "json";
    public const string Csv = "csv";
    public const string Xapi = "xapi";

    public static RouteGroupBuilder MapDataRightsApi(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/v1/me").WithTags("Data rights").RequireLearner();
        me.MapGet("/export", Export).WithSummary("Everything held about the caller: format=json (default), csv (a zip of CSV files) or xapi (statements).");
        me.MapDelete("", EraseMe).WithSummary("Erases the caller from the buffer, the store and the caches.");

        var admin = routes.MapGroup("/api/v1/admin/learners").WithTags("Data rights").RequireAuthorization(AuthExtensions.AdminPolicy);
        admin.MapDelete("/{sub}", EraseLearner).WithSummary("Erases a learner by the token subject they sign in with.");
        return me;
    }

    public static async Task<Results<Ok<LearnerExport>, FileContentHttpResult, Ok<JsonArray>, ProblemHttpResult>> Export(
        string? format, ClaimsPrincipal user, LearnerDataRights rights, HttpRequest request, CancellationToken ct)
    {
        var chosen = (format ?? Json).ToLowerInvariant();
        if (chosen is not (Json or Csv or Xapi))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["format"] = [$"must be {Json}, {Csv} or {Xapi}."] }));
        var export = await rights.ExportAsync(user.Id(), ct);
        return chosen switch
        {
            Csv => TypedResults.File(CsvExport.Zip(export), "application/zip", $"learnprogress-{export.LearnerId}.zip"),
            Xapi => TypedResults.Ok(XapiExport.Statements(export, $"{request.Scheme}://{request.Host}")),
            _ => TypedResults.Ok(export),
        };
    }

    public static async Task<NoContent> EraseMe(ClaimsPrincipal user, LearnerDataRights rights, LearnerZones zones, ILogger<LearnerDataRights> log, CancellationToken ct)
    {
        await EraseAsync(user.Id(), rights, zones, log, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> EraseLearner(
        string sub, LearnerDataRights rights, LearnerZones zones, ILogger<LearnerDataRights> log, CancellationToken ct)
    {
        if (!Ids.IsValid(sub))
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["sub"] = [$"must be {Ids.Rule}."] }));
        await EraseAsync(sub, rights, zones, log, ct);
        return TypedResults.NoContent();
    }

    private static async Task EraseAsync(string userId, LearnerDataRights rights, LearnerZones zones, ILogger log, CancellationToken ct)
    {
        var erased = await rights.EraseAsync(userId, ct);
        await zones.ForgetAsync(userId, ct);
        // The learner.erased event (id only) is raised from `erased` once events are written with their cause.
        LogErased(log, erased.ErasedAt);
    }

    // The learner's id stays out of the log: the log would otherwise keep what the erase removed.
    [LoggerMessage(Level = LogLevel.Information, Message = "A learner was erased at {ErasedAt}.")]
    private static partial void LogErased(ILogger log, DateTimeOffset erasedAt);
}
