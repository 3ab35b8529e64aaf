using LearnProgress.Core;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Events;
using LearnProgress.Mongo;
using LearnProgress.Sqlite;
using LearnProgress.Tests.Infrastructure;

namespace LearnProgress.Tests.Store;

/// <summary>What every store behind <see cref="IAssessmentStore"/> must do; one subclass per adapter.</summary>
public abstract class AssessmentStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _user = Unique.Id("u");
    private readonly string _course = Unique.Id("c");

    protected abstract IAssessmentStore Store { get; }
    protected abstract ICourseCatalog Catalog { get; }
    protected abstract IEventLog Events { get; }
    protected abstract ILearnerData Learners { get; }

    private async Task<Quiz> QuizAsync()
    {
        await Catalog.CreateCourseAsync(_course, "Course");
        var quiz = new Quiz(_course, "q1", "Quiz", 50, [new QuizItem("i1", 2, ["s1"]), new QuizItem("i2", 1, ["s1", "s2"])]);
        Assert.Equal(CatalogWrite.Created, await Store.PutQuizAsync(quiz));
        return quiz;
    }

    private Task<AttemptWrite> SubmitAsync(Quiz quiz, AttemptSubmission submission) =>
        Store.SubmitAsync(submission, history => AttemptPlanner.Plan(quiz, submission, history, Now));

    private AttemptSubmission Submission(string id, long at, double i1, double i2) =>
        new(_user, id, _course, "q1", at - 10, at, [new ItemResult("i1", i1), new ItemResult("i2", i2)]);

    [Fact]
    public async Task Skills_and_quizzes_are_created_then_updated()
    {
        var skill = Unique.Id("s");
        Assert.True(await Store.PutSkillAsync(new Skill(skill, "Name", null)));
        Assert.False(await Store.PutSkillAsync(new Skill(skill, "Renamed", "why")));
        Assert.Contains(new Skill(skill, "Renamed", "why"), await Store.ListSkillsAsync());

        var quiz = await QuizAsync();
        Assert.Equal(CatalogWrite.Updated, await Store.PutQuizAsync(quiz with { Title = "Again" }));
        var read = await Store.GetQuizAsync(_course, "q1");
        Assert.Equal("Again", read!.Title);
        Assert.Equal(quiz.Items.Select(i => (i.ItemId, i.MaxPoints, string.Join(',', i.Skills))), read.Items.Select(i => (i.ItemId, i.MaxPoints, string.Join(',', i.Skills))));
        Assert.Single(await Store.ListQuizzesAsync(_course));
        Assert.Equal(CatalogWrite.CourseNotFound, await Store.PutQuizAsync(quiz with { CourseId = Unique.Id("c") }));
        Assert.Null(await Store.GetQuizAsync(_course, "q9"));
    }

    [Fact]
    public async Task An_attempt_is_written_once_with_its_events()
    {
        var quiz = await QuizAsync();
        var submission = Submission("a1", 1_000, 2, 1);

        var first = await SubmitAsync(quiz, submission);
        var again = await SubmitAsync(quiz, submission);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Empty(again.Events);
        Assert.True(submission.SameAs(again.Attempt));
        Assert.Equal(first.Attempt.Result.Score, again.Attempt.Result.Score);
        Assert.Equal(first.Attempt.Result.Skills, again.Attempt.Result.Skills);
        Assert.Single(await Store.ReadLearnerAttemptsAsync(_user));
        var stored = (await Events.ReadAfterAsync(0, 100_000)).Events.Select(e => e.Event).Where(e => e.UserId == _user).ToList();
        Assert.Equal(first.Events.Select(e => e.Id).Order(), stored.Select(e => e.Id).Order());
        Assert.Contains(stored, e => e.Type == EventTypes.QuizPassed);
    }

    [Fact]
    public async Task A_late_attempt_is_planned_on_the_stored_history_and_read_in_order()
    {
        var quiz = await QuizAsync();
        await SubmitAsync(quiz, Submission("b", 2_000, 2, 1));
        var late = await SubmitAsync(quiz, Submission("a", 1_000, 0, 0));

        var attempts = await Store.ReadLearnerAttemptsAsync(_user);
        Assert.Equal(["a", "b"], attempts.Select(a => a.AttemptId));
        Assert.Equal(2, attempts.Count);
        // The late wrong answer lands before the right one: mastery is that of wrong-then-right.
        var p = BktParameters.Default;
        Assert.Equal(Bkt.Update(Bkt.Update(Bkt.Update(Bkt.Update(0.2, 0, p), 0, p), 1, p), 1, p), Mastery.Of(attempts, "s1"), 12);
        Assert.False(late.Attempt.Passed);
        var other = await Store.ReadCourseAttemptsAsync(_course);
        Assert.Equal(2, other.Count);
        Assert.Empty(await Store.ReadCourseAttemptsAsync(Unique.Id("c")));
    }

    [Fact]
    public async Task Erasing_a_learner_removes_their_attempts()
    {
        var quiz = await QuizAsync();
        await SubmitAsync(quiz, Submission("a1", 1_000, 1, 1));

        await Learners.EraseAsync(_user, EventTypes.Erased(_user, Now));

        Assert.Empty(await Store.ReadLearnerAttemptsAsync(_user));
        Assert.Empty(await Store.ReadCourseAttemptsAsync(_course));
    }
}

public sealed class SqliteAssessmentStoreTests(SqliteFile file) : AssessmentStoreContract, IClassFixture<SqliteFile>
{
    protected override IAssessmentStore Store { get; } = new SqliteAssessmentStore(file.Database);
    protected override ICourseCatalog Catalog { get; } = new SqliteCourseCatalog(file.Database);
    protected override IEventLog Events { get; } = new SqliteEventLog(file.Database);
    protected override ILearnerData Learners { get; } = new SqliteLearnerData(file.Database);
}

/// <summary>The contract against a real MongoDB (MONGODB_URI or Testcontainers), skipped with the reason without one.</summary>
public sealed class MongoAssessmentStoreTests : AssessmentStoreContract
{
    // Made on first use, so a run without MongoDB skips each test with the reason rather than failing to construct it.
    private readonly Lazy<MongoDB.Driver.IMongoDatabase> _database;

    public MongoAssessmentStoreTests(MongoServer server)
    {
        _database = new(() =>
        {
            server.Require();
            var database = server.NewClient().GetDatabase(server.NewDatabaseName());
            MongoIndexes.CreateAsync(database).GetAwaiter().GetResult();
            return database;
        });
    }

    protected override IAssessmentStore Store => new MongoAssessmentStore(_database.Value);
    protected override ICourseCatalog Catalog => new MongoCourseCatalog(_database.Value);
    protected override IEventLog Events => new MongoEventLog(_database.Value);
    protected override ILearnerData Learners => new MongoLearnerData(_database.Value);
}
