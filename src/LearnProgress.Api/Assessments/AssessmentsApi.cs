using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LearnProgress.Api.Assessments;

/// <summary>
/// Skills and quizzes (admin), attempts written through to the store with their events, and the learner's mastery.
/// The rules (scoring, BKT mastery, readiness, analytics) are Core's <see cref="AttemptPlanner"/>, <see cref="Mastery"/>,
/// <see cref="CourseAssessment"/> and <see cref="QuizAnalytics"/>.
/// </summary>
public static class AssessmentsApi
{
    public static RouteGroupBuilder MapAssessmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Assessments");
        group.MapGet("/skills", ListSkills).WithSummary("Every skill.");
        group.MapPut("/skills/{skillId}", PutSkill).RequireAuthorization(AuthExtensions.AdminPolicy).Validated<PutSkillRequest>()
            .WithSummary("Adds (201) or updates (200) a skill.");
        group.MapPut("/courses/{courseId}/quizzes/{quizId}", PutQuiz).RequireAuthorization(AuthExtensions.AdminPolicy).Validated<PutQuizRequest>()
            .WithSummary("Adds (201) or replaces (200) a quiz of a course; its items name known skills.");
        group.MapGet("/courses/{courseId}/quiz-analytics", Analytics).RequireAuthorization(AuthExtensions.AdminPolicy)
            .WithSummary("Per item: attempts, difficulty and discrimination; per skill: learners' mastery in five bands.");
        // Written through to the store, so a flood is held to the same per-learner budget as pings.
        group.MapPost("/attempts", Submit).RequireLearner().RequireRateLimiting(RateLimits.PingPolicy).Validated<AttemptRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Submits a quiz attempt (idempotent by attemptId); answers the score and the mastery it moved.");
        group.MapGet("/me/skills", MySkills).RequireLearner().WithSummary("The caller's mastery of every skill a quiz observed.");
        return group;
    }

    public static async Task<Ok<List<SkillResponse>>> ListSkills(IAssessmentStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListSkillsAsync(ct)).Select(s => new SkillResponse(s.Id, s.Name, s.Description)).ToList());

    public static async Task<Results<Created<SkillResponse>, Ok<SkillResponse>, ProblemHttpResult>> PutSkill(
        string skillId, PutSkillRequest request, IAssessmentStore store, CancellationToken ct)
    {
        if (!Ids.IsValid(skillId)) return CoursesApi.InvalidId("skillId");
        var skill = new Skill(skillId, request.Name!, request.Description);
        var response = new SkillResponse(skill.Id, skill.Name, skill.Description);
        return await store.PutSkillAsync(skill, ct)
            ? TypedResults.Created($"/api/v1/skills/{skillId}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Created<QuizResponse>, Ok<QuizResponse>, ProblemHttpResult>> PutQuiz(
        string courseId, string quizId, PutQuizRequest request, IAssessmentStore store, CatalogCache catalog, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return CoursesApi.InvalidId("courseId");
        if (!Ids.IsValid(quizId)) return CoursesApi.InvalidId("quizId");
        if (await catalog.GetAsync(courseId, ct) is null) return CoursesApi.UnknownCourse(courseId);

        var known = (await store.ListSkillsAsync(ct)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < request.Items!.Count; i++)
            for (var j = 0; j < request.Items[i]!.Skills!.Count; j++)
                if (!known.Contains(request.Items[i]!.Skills![j]!))
                    errors[$"items[{i}].skills[{j}]"] = [$"'{request.Items[i]!.Skills![j]}' is not a skill; PUT /api/v1/skills/{{skillId}} first."];
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));

        var quiz = new Quiz(courseId, quizId, request.Title!, request.PassPercent!.Value,
            request.Items.Select(i => new QuizItem(i!.ItemId!, i.MaxPoints!.Value, i.Skills!.Select(s => s!).Distinct(StringComparer.Ordinal).ToList())).ToList());
        var outcome = await store.PutQuizAsync(quiz, ct);
        await catalog.InvalidateAsync(courseId, ct);
        return outcome switch
        {
            CatalogWrite.CourseNotFound => CoursesApi.UnknownCourse(courseId),
            CatalogWrite.Created => TypedResults.Created($"/api/v1/courses/{courseId}/quizzes/{quizId}", QuizResponse.From(quiz)),
            _ => TypedResults.Ok(QuizResponse.From(quiz)),
        };
    }

    public static async Task<Results<Ok<AttemptResponse>, ProblemHttpResult>> Submit(
        AttemptRequest request, ClaimsPrincipal user, IAssessmentStore store, IValidator<QuizAnswers> answers,
        [FromServices] IEnumerable<IRecordListener> listeners, TimeProvider time, CancellationToken ct)
    {
        var quiz = await store.GetQuizAsync(request.CourseId!, request.QuizId!, ct);
        if (quiz is null)
            return TypedResults.Problem(Problems.NotFound("quizId", $"Course '{request.CourseId}' has no quiz '{request.QuizId}'."));
        var checkedAnswers = await answers.ValidateAsync(new QuizAnswers(request, quiz), ct);
        if (!checkedAnswers.IsValid) return TypedResults.Problem(Problems.Invalid(checkedAnswers.ToDictionary()));

        var submission = new AttemptSubmission(user.Id(), request.AttemptId!, quiz.CourseId, quiz.QuizId, request.StartedAt!.Value,
            request.SubmittedAt!.Value, request.Items!.Select(i => new ItemResult(i!.ItemId!, i.Points!.Value)).ToList());
        var written = await store.SubmitAsync(submission, history => AttemptPlanner.Plan(quiz, submission, history, time.GetUtcNow()), ct);
        if (!written.Created && !submission.SameAs(written.Attempt))
            return TypedResults.Problem(Problems.Field(StatusCodes.Status409Conflict, "The attempt id is taken by another attempt.",
                "attemptId", $"'{submission.AttemptId}' was submitted before with another body; a retry must send the same body."));
        if (written.Events.Count > 0)
        {
            // Deliveries and pushes hear of these events as of any other saved ones.
            var plan = RecordPlan.Empty with { Events = written.Events };
            foreach (var listener in listeners) listener.OnWritten(plan);
        }
        return TypedResults.Ok(AttemptResponse.From(written.Attempt.Result));
    }

    public static async Task<Ok<List<MySkillResponse>>> MySkills(ClaimsPrincipal user, IAssessmentStore store, CancellationToken ct)
    {
        var attempts = store.ReadLearnerAttemptsAsync(user.Id(), ct);
        var names = (await store.ListSkillsAsync(ct)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        return TypedResults.Ok(Mastery.PerSkill(await attempts).Select(m => new MySkillResponse(
            m.SkillId, names.GetValueOrDefault(m.SkillId, m.SkillId), Math.Round(m.Mastery, AttemptPlanner.MasteryDecimals), m.Mastered,
            m.Observations, Iso(m.LastAssessed), m.Trend is { } t ? Math.Round(t, AttemptPlanner.MasteryDecimals) : null)).ToList());
    }

    public static async Task<Results<Ok<QuizAnalyticsReport>, ProblemHttpResult>> Analytics(
        string courseId, IAssessmentStore store, CatalogCache catalog, CancellationToken ct)
    {
        if (!Ids.IsValid(courseId)) return CoursesApi.InvalidId("courseId");
        if (await catalog.GetAsync(courseId, ct) is null) return CoursesApi.UnknownCourse(courseId);
        var quizzes = store.ListQuizzesAsync(courseId, ct);
        var attempts = await store.ReadCourseAttemptsAsync(courseId, ct);
        return TypedResults.Ok(QuizAnalytics.Of(courseId, await quizzes, attempts));
    }

    private static string Iso(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
