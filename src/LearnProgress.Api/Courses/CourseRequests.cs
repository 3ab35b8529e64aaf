using FluentValidation;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Courses;

public sealed record CreateCourseRequest(string? Id, string? Title);

public sealed record PutLectureRequest(string? Title, double? DurationSeconds);

public sealed record LectureResponse(string Id, string Title, double DurationSeconds);

/// <summary>A course: its lectures (which alone decide completion) and its quizzes.</summary>
public sealed record CourseResponse(string Id, string Title, int TotalLectures, IReadOnlyList<LectureResponse> Lectures)
{
    public IReadOnlyList<Assessments.QuizResponse> Quizzes { get; init; } = [];
}

public sealed class CreateCourseValidator : AbstractValidator<CreateCourseRequest>
{
    public CreateCourseValidator()
    {
        RuleFor(r => r.Id).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
        RuleFor(r => r.Title).NotEmpty().WithMessage("is required.").MaximumLength(200);
    }
}

public sealed class PutLectureValidator : AbstractValidator<PutLectureRequest>
{
    public const double MaxDurationSeconds = 7 * 24 * 3600;

    public PutLectureValidator()
    {
        RuleFor(r => r.Title).NotEmpty().WithMessage("is required.").MaximumLength(200);
        RuleFor(r => r.DurationSeconds).NotNull().WithMessage("is required.")
            .Must(d => d is > 0 and <= MaxDurationSeconds && double.IsFinite(d.Value))
            .WithMessage($"must be a number of seconds above 0 and at most {MaxDurationSeconds}.");
    }
}
