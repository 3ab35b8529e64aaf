using System.Text.Json;
using LearnProgress.Core;
using LearnProgress.Core.Assessments;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Driver;
using static LearnProgress.Mongo.MongoNames;

namespace LearnProgress.Mongo;

/// <summary>
/// Skills, quizzes and attempts in MongoDB. An attempt is one document whose _id is (userId, attemptId): its events
/// are written first, the way every writer writes them (<see cref="MongoEventWriter"/>: deterministic ids, inserted if
/// absent), then the attempt is inserted. A crash between the two leaves events whose cause a retry writes, planned on
/// the same history, so with the same ids; a concurrent retry collides on the _id and is answered the stored attempt.
/// </summary>
public sealed class MongoAssessmentStore : IAssessmentStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly JsonWriterSettings Relaxed = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    private readonly IMongoCollection<BsonDocument> _skills;
    private readonly IMongoCollection<BsonDocument> _quizzes;
    private readonly IMongoCollection<BsonDocument> _attempts;
    private readonly IMongoCollection<BsonDocument> _courses;
    private readonly MongoEventWriter _events;

    public MongoAssessmentStore(IMongoDatabase database)
    {
        var db = database.WithWriteConcern(Majority).WithReadConcern(ReadConcern.Majority);
        _skills = db.GetCollection<BsonDocument>(Skills.Collection);
        _quizzes = db.GetCollection<BsonDocument>(Quizzes.Collection);
        _attempts = db.GetCollection<BsonDocument>(Attempts.Collection);
        _courses = db.GetCollection<BsonDocument>(Courses.Collection);
        _events = new MongoEventWriter(db);
    }

    public Task<bool> PutSkillAsync(Skill skill, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var result = await _skills.ReplaceOneAsync(new BsonDocument(Id, skill.Id), SkillDocument(skill), new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return result.UpsertedId is not null;
    });

    public Task<IReadOnlyList<Skill>> ListSkillsAsync(CancellationToken cancellationToken = default) => Guarded(async () =>
        (IReadOnlyList<Skill>)(await _skills.Find(new BsonDocument()).Sort(new BsonDocument(Id, 1)).ToListAsync(cancellationToken))
        .Select(d => new Skill(d[Id].AsString, d[Skills.Name].AsString, d.GetValue(Skills.Description, BsonNull.Value).IsBsonNull ? null : d[Skills.Description].AsString))
        .ToList());

    public Task<CatalogWrite> PutQuizAsync(Quiz quiz, CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        if (await _courses.Find(new BsonDocument(Id, quiz.CourseId)).Project(new BsonDocument(Id, 1)).FirstOrDefaultAsync(cancellationToken) is null)
            return CatalogWrite.CourseNotFound;
        var result = await _quizzes.ReplaceOneAsync(new BsonDocument(Id, Quizzes.Key(quiz.CourseId, quiz.QuizId)), QuizDocument(quiz),
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return result.UpsertedId is not null ? CatalogWrite.Created : CatalogWrite.Updated;
    });

    public Task<Quiz?> GetQuizAsync(string courseId, string quizId, CancellationToken cancellationToken = default) => Guarded(async () =>
        await _quizzes.Find(new BsonDocument(Id, Quizzes.Key(courseId, quizId))).FirstOrDefaultAsync(cancellationToken) is { } d ? FromDocument<Quiz>(d) : null);

    public Task<IReadOnlyList<Quiz>> ListQuizzesAsync(string courseId, CancellationToken cancellationToken = default) => Guarded(async () =>
        (IReadOnlyList<Quiz>)(await _quizzes.Find(new BsonDocument(Quizzes.CourseId, courseId)).Sort(new BsonDocument(Quizzes.QuizId, 1)).ToListAsync(cancellationToken))
        .Select(FromDocument<Quiz>).ToList());

    public Task<AttemptWrite> SubmitAsync(AttemptSubmission submission, Func<IReadOnlyList<StoredAttempt>, AttemptPlan> plan,
        CancellationToken cancellationToken = default) => Guarded(async () =>
    {
        var key = new BsonDocument(Id, Attempts.Key(submission.UserId, submission.AttemptId));
        if (await _attempts.Find(key).FirstOrDefaultAsync(cancellationToken) is { } existing)
            return new AttemptWrite(FromDocument<StoredAttempt>(existing), Created: false, []);
        var decided = plan(await ReadLearnerAttemptsAsync(submission.UserId, cancellationToken));
        await _events.WriteAsync(decided.Events, cancellationToken);
        try
        {
            await _attempts.InsertOneAsync(AttemptDocument(decided.Attempt), cancellationToken: cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteConcernError is null && ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // A concurrent submission of the same id was stored first; it is the attempt.
            var stored = await _attempts.Find(key).FirstAsync(cancellationToken);
            return new AttemptWrite(FromDocument<StoredAttempt>(stored), Created: false, []);
        }
        return new AttemptWrite(decided.Attempt, Created: true, decided.Events);
    });

    public Task<IReadOnlyList<StoredAttempt>> ReadLearnerAttemptsAsync(string userId, CancellationToken cancellationToken = default) =>
        ReadAttemptsAsync(new BsonDocument(Attempts.UserId, userId), cancellationToken);

    public Task<IReadOnlyList<StoredAttempt>> ReadCourseAttemptsAsync(string courseId, CancellationToken cancellationToken = default) =>
        ReadAttemptsAsync(new BsonDocument(Attempts.CourseId, courseId), cancellationToken);

    private Task<IReadOnlyList<StoredAttempt>> ReadAttemptsAsync(BsonDocument filter, CancellationToken cancellationToken) => Guarded(async () =>
        (IReadOnlyList<StoredAttempt>)(await _attempts.Find(filter).Sort(new BsonDocument { { Attempts.SubmittedAt, 1 }, { Id + "." + Attempts.AttemptId, 1 } })
            .ToListAsync(cancellationToken))
        .Select(FromDocument<StoredAttempt>)
        .OrderBy(a => a.SubmittedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal).ToList());

    public static BsonDocument SkillDocument(Skill skill) => new()
    {
        { Id, skill.Id },
        { Skills.Name, skill.Name },
        { Skills.Description, skill.Description is null ? BsonNull.Value : skill.Description },
    };

    /// <summary>The quiz's own fields (courseId, quizId, title, passPercent, items) under its key.</summary>
    public static BsonDocument QuizDocument(Quiz quiz) => ToDocument(quiz, Quizzes.Key(quiz.CourseId, quiz.QuizId));

    /// <summary>The attempt's own fields (userId, attemptId, courseId, submittedAt, items, result) under its (userId, attemptId) key.</summary>
    public static BsonDocument AttemptDocument(StoredAttempt attempt) => ToDocument(attempt, Attempts.Key(attempt.UserId, attempt.AttemptId));

    private static BsonDocument ToDocument<T>(T value, BsonValue id)
    {
        var document = BsonDocument.Parse(JsonSerializer.Serialize(value, Json));
        document.InsertAt(0, new BsonElement(Id, id));
        return document;
    }

    public static T FromDocument<T>(BsonDocument document)
    {
        var copy = document.DeepClone().AsBsonDocument;
        copy.Remove(Id);
        return JsonSerializer.Deserialize<T>(copy.ToJson(Relaxed), Json)!;
    }

    private static async Task<T> Guarded<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (MongoProgressStore.IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"MongoDB cannot take the call now: {ex.Message}", ex);
        }
    }
}
