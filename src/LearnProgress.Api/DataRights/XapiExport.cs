using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Learning;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.DataRights;

/// <summary>
/// The export as xAPI 1.0.3 statements following the video profile (https://w3id.org/xapi/video): per lecture played,
/// a <c>played</c> and a <c>paused</c> summary carrying the footage played as <c>played-segments</c>, and a
/// <c>completed</c> per completed lecture. Statement ids derive from their content, so exporting twice gives the same
/// ids and a learning record store keeps each statement once.
/// </summary>
public static class XapiExport
{
    public const string Profile = "https://w3id.org/xapi/video";
    public const string Played = Profile + "/verbs/played";
    public const string Paused = Profile + "/verbs/paused";
    public const string Completed = "http://adlnet.gov/expapi/verbs/completed";
    public const string VideoType = Profile + "/activity-type/video";
    public const string Time = Profile + "/extensions/time";
    public const string PlayedSegments = Profile + "/extensions/played-segments";
    public const string Progress = Profile + "/extensions/progress";
    public const string Length = Profile + "/extensions/length";
    public const string Scored = "http://adlnet.gov/expapi/verbs/scored";
    public const string Passed = "http://adlnet.gov/expapi/verbs/passed";
    public const string Failed = "http://adlnet.gov/expapi/verbs/failed";
    public const string AssessmentType = "http://adlnet.gov/expapi/activities/assessment";

    public static JsonArray Statements(LearnerExport export, string homePage)
    {
        var zone = LearnerClock.TryFindZone(export.Settings.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var statements = new JsonArray();
        foreach (var course in export.Courses)
            foreach (var lecture in course.Lectures)
            {
                var activity = $"{homePage}/courses/{course.CourseId}/lectures/{lecture.LectureId}";
                var segments = Segments(lecture.Coverage);
                if (lecture.Coverage.Count > 0)
                {
                    var at = DateTimeOffset.FromUnixTimeMilliseconds(lecture.UpdatedAt);
                    statements.Add(Statement(export.LearnerId, homePage, Played, "played", activity, at,
                        new JsonObject { [Time] = Round(lecture.Coverage[0].Start), [PlayedSegments] = segments }));
                    statements.Add(Statement(export.LearnerId, homePage, Paused, "paused", activity, at,
                        new JsonObject { [Time] = Round(lecture.Position), [PlayedSegments] = segments }));
                }
                if (lecture.CompletedOn is { } day)
                    statements.Add(Statement(export.LearnerId, homePage, Completed, "completed", activity,
                        DateTimeOffset.FromUnixTimeMilliseconds(LearnerClock.StartOf(day, zone)),
                        new JsonObject { [Time] = Round(lecture.Position), [PlayedSegments] = segments, [Progress] = 1 }, completed: true));
            }
        foreach (var attempt in export.Attempts)
        {
            // One scored statement per attempt, then passed or failed: the pair the cmi5/ADL vocabulary uses for a scored test.
            var activity = $"{homePage}/courses/{attempt.CourseId}/quizzes/{attempt.QuizId}";
            var at = DateTimeOffset.FromUnixTimeMilliseconds(attempt.SubmittedAt);
            var score = Score(attempt);
            statements.Add(Statement(export.LearnerId, homePage, Scored, "scored", activity, at, new JsonObject(), score: score,
                key: attempt.AttemptId, type: AssessmentType, success: attempt.Passed));
            statements.Add(Statement(export.LearnerId, homePage, attempt.Passed ? Passed : Failed, attempt.Passed ? "passed" : "failed", activity, at,
                new JsonObject(), score: Score(attempt), key: attempt.AttemptId, type: AssessmentType, success: attempt.Passed));
        }
        return statements;
    }

    private static JsonObject Score(Core.Assessments.StoredAttempt attempt) => new()
    {
        ["scaled"] = attempt.Result.MaxScore <= 0 ? 0 : Math.Round(attempt.Result.Score / attempt.Result.MaxScore, 4),
        ["raw"] = attempt.Result.Score,
        ["min"] = 0,
        ["max"] = attempt.Result.MaxScore,
    };

    /// <summary>The profile's form: <c>start[.]end[,]start[.]end</c>.</summary>
    public static string Segments(IReadOnlyList<Coverage.Interval> intervals) =>
        string.Join("[,]", intervals.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Start:0.###}[.]{i.End:0.###}")));

    private static JsonObject Statement(string learner, string homePage, string verb, string verbName, string activity, DateTimeOffset at,
        JsonObject extensions, bool completed = false, JsonObject? score = null, string? key = null, string type = VideoType, bool? success = null)
    {
        var result = new JsonObject { ["extensions"] = extensions };
        if (completed) result["completion"] = true;
        if (score is not null) result["score"] = score;
        if (success is { } s) result["success"] = s;
        return new JsonObject
        {
            ["id"] = DeterministicId(key is null ? $"{learner}\n{verb}\n{activity}" : $"{learner}\n{verb}\n{activity}\n{key}").ToString(),
            ["version"] = "1.0.3",
            ["actor"] = new JsonObject
            {
                ["objectType"] = "Agent",
                ["account"] = new JsonObject { ["homePage"] = homePage, ["name"] = learner },
            },
            ["verb"] = new JsonObject { ["id"] = verb, ["display"] = new JsonObject { ["en-US"] = verbName } },
            ["object"] = new JsonObject
            {
                ["objectType"] = "Activity",
                ["id"] = activity,
                ["definition"] = new JsonObject { ["type"] = type },
            },
            ["result"] = result,
            // Only video statements follow the video profile.
            ["context"] = type == VideoType
                ? new JsonObject { ["contextActivities"] = new JsonObject { ["category"] = new JsonArray(new JsonObject { ["id"] = Profile }) } }
                : new JsonObject(),
            ["timestamp"] = at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        };
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);

    /// <summary>A name-based UUID (version 5 layout over SHA-1, RFC 9562).</summary>
    private static Guid DeterministicId(string name)
    {
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 name-based (v5) UUIDs are defined over; nothing here is a secret.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(name));
#pragma warning restore CA5350
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
