using System.Text.Json;
using LearnProgress.Core.Assessments;
using LearnProgress.Mongo;
using MongoDB.Bson;

namespace LearnProgress.Tests.Store;

/// <summary>How quizzes and attempts are laid out as MongoDB documents, checked without a server.</summary>
public sealed class MongoAssessmentDocumentTests
{
    private static readonly Quiz Quiz = new("c-1", "q-1", "Quiz", 60, [new QuizItem("i1", 1, ["s1"]), new QuizItem("i2", 2.5, ["s1", "s2"])]);

    [Fact]
    public void An_attempt_is_keyed_by_learner_and_attempt_id_and_reads_back_as_written()
    {
        var attempt = AttemptPlanner.Plan(Quiz, new AttemptSubmission("u-1", "a-1", "c-1", "q-1", 1_772_000_000_000, 1_772_000_060_000,
            [new ItemResult("i1", 1), new ItemResult("i2", 1.25)]), [], DateTimeOffset.UnixEpoch).Attempt;

        var document = MongoAssessmentStore.AttemptDocument(attempt);

        Assert.Equal(new BsonDocument { { "userId", "u-1" }, { "attemptId", "a-1" } }, document["_id"]);
        Assert.Equal("c-1", document["courseId"].AsString);
        Assert.Equal(1_772_000_060_000, document["submittedAt"].ToInt64());
        Assert.False(document.Contains("percent"));
        var read = MongoAssessmentStore.FromDocument<StoredAttempt>(document);
        Assert.Equal(JsonSerializer.Serialize(attempt), JsonSerializer.Serialize(read));
    }

    [Fact]
    public void A_quiz_is_keyed_by_course_and_quiz_and_reads_back_as_written()
    {
        var document = MongoAssessmentStore.QuizDocument(Quiz);

        Assert.Equal("c-1/q-1", document["_id"].AsString);
        Assert.Equal(JsonSerializer.Serialize(Quiz), JsonSerializer.Serialize(MongoAssessmentStore.FromDocument<Quiz>(document)));
    }
}
