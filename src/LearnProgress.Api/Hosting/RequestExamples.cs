using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace LearnProgress.Api.Hosting;

/// <summary>
/// An example of every request body, in the document beside its schema (Swagger UI fills its "try it out" with it).
/// <c>OpenApiDocumentTests</c> sends each one to its route and fails on a 400: an example the API would refuse.
/// </summary>
internal sealed class RequestExamples : ISchemaFilter
{
    private const long Now = 1_796_000_000_000;

    private static readonly Dictionary<string, Func<JsonNode>> Examples = new(StringComparer.Ordinal)
    {
        ["PingRequest"] = () => new JsonObject
        {
            ["courseId"] = "algebra", ["lectureId"] = "intro", ["watchTime"] = 42, ["duration"] = 600,
            ["segmentStart"] = 37, ["segmentStartTs"] = Now - 5_000, ["clientTs"] = Now, ["sessionId"] = "s-7f3a",
        },
        ["BatchRequest"] = () => new JsonObject
        {
            ["pings"] = new JsonArray(
                new JsonObject { ["courseId"] = "algebra", ["lectureId"] = "intro", ["watchTime"] = 5, ["clientTs"] = Now - 5_000 },
                new JsonObject { ["courseId"] = "algebra", ["lectureId"] = "intro", ["watchTime"] = 10, ["clientTs"] = Now }),
        },
        ["CompleteRequest"] = () => new JsonObject { ["courseId"] = "algebra", ["lectureId"] = "intro" },
        ["CreateCourseRequest"] = () => new JsonObject { ["id"] = "algebra", ["title"] = "Algebra" },
        ["PutLectureRequest"] = () => new JsonObject { ["title"] = "Intro", ["durationSeconds"] = 600 },
        ["PutSkillRequest"] = () => new JsonObject { ["name"] = "Fractions", ["description"] = "Add, compare and simplify fractions." },
        ["PutQuizRequest"] = () => new JsonObject
        {
            ["title"] = "Quiz 1", ["passPercent"] = 60,
            ["items"] = new JsonArray(
                new JsonObject { ["itemId"] = "q1", ["maxPoints"] = 1, ["skills"] = new JsonArray("fractions") },
                new JsonObject { ["itemId"] = "q2", ["maxPoints"] = 2, ["skills"] = new JsonArray("fractions") }),
        },
        ["AttemptRequest"] = () => new JsonObject
        {
            ["attemptId"] = "a-2f9c", ["courseId"] = "algebra", ["quizId"] = "quiz1", ["startedAt"] = Now - 600_000, ["submittedAt"] = Now,
            ["items"] = new JsonArray(new JsonObject { ["itemId"] = "q1", ["points"] = 1 }, new JsonObject { ["itemId"] = "q2", ["points"] = 1.5 }),
        },
        ["Settings"] = () => new JsonObject
        {
            ["timeZone"] = "Europe/Paris", ["weekStart"] = "monday", ["weeklyGoalMinutes"] = 150, ["weeklyGoalLectures"] = 3,
            ["leaderboard"] = true, ["displayName"] = "Ada L.",
        },
        ["CreateEndpointRequest"] = () => new JsonObject
        {
            ["url"] = "https://hooks.example.com/learnprogress", ["eventTypes"] = new JsonArray("lecture.completed", "course.completed"),
        },
        ["UpdateEndpointRequest"] = () => new JsonObject { ["enabled"] = true },
        ["RedeliverRequest"] = () => new JsonObject { ["eventId"] = "0f8fad5b-d9cb-469f-a165-70867728950e" },
        ["PutCertificationRequest"] = () => new JsonObject
        {
            ["title"] = "Algebra basics", ["description"] = "Fractions and the first quiz.",
            ["criteria"] = "Complete the course, score 80 % on quiz 1 and reach 0.9 mastery of fractions.",
            ["requirements"] = new JsonObject
            {
                ["courses"] = new JsonArray(new JsonObject { ["courseId"] = "algebra", ["minCompletion"] = 100 }),
                ["quizzes"] = new JsonArray(new JsonObject { ["courseId"] = "algebra", ["quizId"] = "quiz1", ["minPercent"] = 80 }),
                ["skills"] = new JsonArray(new JsonObject { ["skillId"] = "fractions", ["minMastery"] = 0.9 }),
            },
            ["validForDays"] = 365,
        },
        ["VerifyRequest"] = () => new JsonObject { ["credential"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjYtMDEiLCJ0eXAiOiJ2Yytqd3QifQ.eyJ…fQ.MEUCIQ…" },
    };

    public static IReadOnlyCollection<string> Names => Examples.Keys;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type.Name, out var example)) concrete.Examples = [example()];
    }
}
