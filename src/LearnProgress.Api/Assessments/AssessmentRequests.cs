using FluentValidation;
using LearnProgress.Api.Progress;
using LearnProgress.Core.Assessments;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Assessments;

public sealed record PutSkillRequest(string? Name, string? Description);

public sealed record QuizItemRequest(string? ItemId, double? MaxPoints, IReadOnlyList<string?>? Skills);

public sealed record PutQuizRequest(string? Title, double? PassPercent, IReadOnlyList<QuizItemRequest?>? Items);

public sealed record ItemResultRequest(string? ItemId, double? Points);

public sealed record AttemptRequest(
    string? AttemptId, string? CourseId, string? QuizId, long? StartedAt, long? SubmittedAt, IReadOnlyList<ItemResultRequest?>? Items);

public sealed record SkillResponse(string SkillId, string Name, string? Description);

public sealed record QuizItemResponse(string ItemId, double MaxPoints, IReadOnlyList<string> Skills);

public sealed record QuizResponse(string QuizId, string Title, double PassPercent, double MaxScore, IReadOnlyList<QuizItemResponse> Items)
{
    public static QuizResponse From(Quiz quiz) => new(quiz.QuizId, quiz.Title, quiz.PassPercent, quiz.MaxScore,
        quiz.Items.Select(i => new QuizItemResponse(i.ItemId, i.MaxPoints, i.Skills)).ToList());
}

public sealed record SkillChangeResponse(string SkillId, double Mastery, double Change);

public sealed record AttemptResponse(double Score, double MaxScore, double Percent, bool Passed, IReadOnlyList<SkillChangeResponse> Skills)
{
    public static AttemptResponse From(AttemptResult r) =>
        new(r.Score, r.MaxScore, r.Percent, r.Passed, r.Skills.Select(s => new SkillChangeResponse(s.SkillId, s.Mastery, s.Change)).ToList());
}

public sealed record MySkillResponse(string SkillId, string Name, double Mastery, bool Mastered, int Observations, string LastAssessed, double? Trend);

public sealed class PutSkillValidator : AbstractValidator<PutSkillRequest>
{
    public PutSkillValidator()
    {
        RuleFor(r => r.Name).NotEmpty().WithMessage("is required.").MaximumLength(200);
        RuleFor(r => r.Description).MaximumLength(2000);
    }
}

public sealed class PutQuizValidator : AbstractValidator<PutQuizRequest>
{
    public const int MaxItems = 200;
    public const double MaxPoints = 10_000;

    public PutQuizValidator()
    {
        RuleFor(r => r.Title).NotEmpty().WithMessage("is required.").MaximumLength(200);
        RuleFor(r => r.PassPercent).NotNull().WithMessage("is required.")
            .Must(p => p is >= 0 and <= 100).WithMessage("must be a percent from 0 to 100.");
        RuleFor(r => r.Items).Cascade(CascadeMode.Stop).NotNull().WithMessage("is required.")
            .Must(i => i!.Count is >= 1 and <= MaxItems).WithMessage($"must hold 1 to {MaxItems} items.")
            .Must(i => i!.Where(x => x?.ItemId is not null).Select(x => x!.ItemId).Distinct(StringComparer.Ordinal).Count() == i!.Count(x => x?.ItemId is not null))
            .WithMessage("must not repeat an itemId.");
        RuleForEach(r => r.Items).NotNull().WithMessage("must be an item object.").ChildRules(item =>
        {
            item.RuleFor(i => i!.ItemId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
            item.RuleFor(i => i!.MaxPoints).NotNull().WithMessage("is required.")
                .Must(p => p is > 0 and <= MaxPoints).WithMessage($"must be a number of points above 0 and at most {MaxPoints}.");
            item.RuleFor(i => i!.Skills).NotNull().WithMessage("is required.");
            item.RuleForEach(i => i!.Skills).NotNull().Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        });
    }
}

public sealed class AttemptValidator : AbstractValidator<AttemptRequest>
{
    public const int MaxItems = PutQuizValidator.MaxItems;

    public AttemptValidator(TimeProvider time)
    {
        RuleFor(r => r.AttemptId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(r => r.CourseId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(r => r.QuizId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(r => r.StartedAt).NotNull().WithMessage("is required.")
            .Must(ts => ts <= Ahead(time)).WithMessage("must not be more than 5 minutes in the future.");
        RuleFor(r => r.SubmittedAt).NotNull().WithMessage("is required.")
            .Must(ts => ts <= Ahead(time)).WithMessage("must not be more than 5 minutes in the future.")
            .Must(ts => ts >= time.GetUtcNow().Subtract(PingValidator.MaxAge).ToUnixTimeMilliseconds())
            .WithMessage("must not be more than 30 days in the past.")
            .Must((r, ts) => r.StartedAt is null || ts >= r.StartedAt).WithMessage("must not be before startedAt.");
        RuleFor(r => r.Items).Cascade(CascadeMode.Stop).NotNull().WithMessage("is required.")
            .Must(i => i!.Count is >= 1 and <= MaxItems).WithMessage($"must hold 1 to {MaxItems} item results.")
            .Must(i => i!.Where(x => x?.ItemId is not null).Select(x => x!.ItemId).Distinct(StringComparer.Ordinal).Count() == i!.Count(x => x?.ItemId is not null))
            .WithMessage("must not repeat an itemId.");
        RuleForEach(r => r.Items).NotNull().WithMessage("must be an item result object.").ChildRules(item =>
        {
            item.RuleFor(i => i!.ItemId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
            item.RuleFor(i => i!.Points).NotNull().WithMessage("is required.")
                .Must(p => p is >= 0 && double.IsFinite(p.Value)).WithMessage("must be a finite number of points, 0 or more.");
        });
    }

    private static long Ahead(TimeProvider time) => time.GetUtcNow().Add(PingValidator.MaxAhead).ToUnixTimeMilliseconds();
}

/// <summary>An attempt with the quiz it answers, for the checks that need the quiz.</summary>
public sealed record QuizAnswers(AttemptRequest Attempt, Quiz Quiz);

/// <summary>Every item is one of the quiz's items and scores within its points.</summary>
public sealed class QuizAnswersValidator : AbstractValidator<QuizAnswers>
{
    public QuizAnswersValidator()
    {
        RuleForEach(r => r.Attempt.Items)
            .Must((r, item) => r.Quiz.FindItem(item!.ItemId!) is not null)
            .WithMessage((r, item) => $"has itemId '{item!.ItemId}', which is not an item of quiz '{r.Quiz.QuizId}'.")
            .Must((r, item) => r.Quiz.FindItem(item!.ItemId!) is not { } known || item.Points <= known.MaxPoints)
            .WithMessage((r, item) => $"has points outside 0..maxPoints ({r.Quiz.FindItem(item!.ItemId!)?.MaxPoints}).")
            .OverridePropertyName("items");
    }
}
