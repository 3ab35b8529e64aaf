using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using LearnProgress.Core.DataRights;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.DataRights;

/// <summary>The export as a zip of CSV files (RFC 4180, invariant numbers, ISO dates), one file per kind of record.</summary>
public static class CsvExport
{
    public static byte[] Zip(LearnerExport export)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "settings.csv", ["learnerId", "timeZone", "weekStart", "exportedAt", "displayName"],
                [[export.LearnerId, export.Settings.TimeZone, export.Settings.WeekStart ?? "",
                  export.ExportedAt.ToString("O", CultureInfo.InvariantCulture), export.DisplayName ?? ""]]);
            Write(zip, "goals.csv", ["from", "minutes", "lectures"],
                export.Goals.Select(g => new[] { Date(g.From), Number(g.Minutes), Number(g.Lectures) }));
            Write(zip, "lectures.csv", ["courseId", "lectureId", "position", "furthest", "updatedAt", "playedSeconds", "coverage", "completed", "completedOn"],
                export.Courses.SelectMany(c => c.Lectures.Select(l => new[]
                {
                    c.CourseId, l.LectureId, Number(l.Position), Number(l.Furthest), Number(l.UpdatedAt), Number(l.PlayedSeconds),
                    Intervals(l.Coverage), l.Completed ? "true" : "false", Date(l.CompletedOn),
                })));
            Write(zip, "days.csv", ["date", "seconds", "marks", "completions", "played"],
                export.Days.Select(d => new[] { Date(d.Date), Number(d.Seconds), Number(d.Marks), Number(d.Completions), Intervals(d.Played) }));
            Write(zip, "runs.csv", ["start", "end", "length"], export.Runs.Select(r => new[] { Date(r.Start), Date(r.End), Number(r.Length) }));
            Write(zip, "completions.csv", ["courseId", "lectureId", "date"],
                export.Completions.Select(c => new[] { c.CourseId, c.LectureId, Date(c.Date) }));
            Write(zip, "attempts.csv", ["attemptId", "courseId", "quizId", "startedAt", "submittedAt", "score", "maxScore", "percent", "passed"],
                export.Attempts.Select(a => new[]
                {
                    a.AttemptId, a.CourseId, a.QuizId, Number(a.StartedAt), Number(a.SubmittedAt), Number(a.Result.Score), Number(a.Result.MaxScore),
                    Number(a.Result.Percent), a.Passed ? "true" : "false",
                }));
            Write(zip, "attempt-items.csv", ["attemptId", "itemId", "points", "maxPoints", "skills"],
                export.Attempts.SelectMany(a => a.Items.Select(i => new[] { a.AttemptId, i.ItemId, Number(i.Points), Number(i.MaxPoints), string.Join(' ', i.Skills) })));
            Write(zip, "skills.csv", ["skillId", "mastery", "mastered", "observations", "lastAssessed"],
                export.Skills.Select(s => new[] { s.SkillId, Number(Math.Round(s.Mastery, 4)), s.Mastered ? "true" : "false", Number(s.Observations), Number(s.LastAssessed) }));
            Write(zip, "credentials.csv", ["credentialId", "certificationId", "issuedAt", "validUntil", "revoked", "credential"],
                export.Credentials.Select(c => new[]
                {
                    c.CredentialId, c.CertificationId, c.IssuedAt.ToString("O", CultureInfo.InvariantCulture),
                    c.ValidUntil?.ToString("O", CultureInfo.InvariantCulture) ?? "", c.Revoked ? "true" : "false", c.Credential,
                }));
        }
        return memory.ToArray();
    }

    /// <summary>Intervals as <c>start:end,start:end</c> in seconds, the form the service keeps them in.</summary>
    public static string Intervals(IReadOnlyList<Coverage.Interval> intervals) =>
        string.Join(',', intervals.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.Start:0.###}:{i.End:0.###}")));

    private static string Date(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Write(ZipArchive zip, string name, string[] header, IEnumerable<string[]> rows)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        using var csv = CsvWriter.Create(entry, new CsvWriterOptions(), false);
        csv.WriteHeader(header);
        foreach (var row in rows) csv.WriteRecord(row);
        csv.Flush();
    }
}
