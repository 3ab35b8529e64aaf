using FluentValidation;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Progress;

namespace LearnProgress.Api.Certifications;

public sealed record CourseRequirementRequest(string? CourseId, double? MinCompletion);

public sealed record QuizRequirementRequest(string? CourseId, string? QuizId, double? MinPercent);

public sealed record SkillRequirementRequest(string? SkillId, double? MinMastery);

public sealed record RequirementsRequest(
    IReadOnlyList<CourseRequirementRequest?>? Courses, IReadOnlyList<QuizRequirementRequest?>? Quizzes, IReadOnlyList<SkillRequirementRequest?>? Skills);

public sealed record PutCertificationRequest(string? Title, string? Description, string? Criteria, RequirementsRequest? Requirements, int? ValidForDays)
{
    public Certification ToCertification(string certificationId) => new(certificationId, Title!, Description!, Criteria!,
        new CertificationRequirements(
            (Requirements!.Courses ?? []).Select(c => new CourseRequirement(c!.CourseId!, c.MinCompletion!.Value)).ToList(),
            (Requirements.Quizzes ?? []).Select(q => new QuizRequirement(q!.CourseId!, q.QuizId!, q.MinPercent!.Value)).ToList(),
            (Requirements.Skills ?? []).Select(s => new SkillRequirement(s!.SkillId!, s.MinMastery!.Value)).ToList()),
        ValidForDays);
}

public sealed record CertificationResponse(
    string CertificationId, string Title, string Description, string Criteria, CertificationRequirements Requirements, int? ValidForDays)
{
    public static CertificationResponse From(Certification c) => new(c.Id, c.Title, c.Description, c.Criteria, c.Requirements, c.ValidForDays);
}

public sealed record RequirementResponse(string Kind, string? CourseId, string? QuizId, string? SkillId, double Required, double Current, bool Met)
{
    public static RequirementResponse From(RequirementStatus s) => new(s.Kind, s.CourseId, s.QuizId, s.SkillId, s.Required, s.Current, s.Met);
}

/// <summary>The learner's credential for a certification, when one is current.</summary>
public sealed record HeldCredentialResponse(string CredentialId, string ValidFrom, string? ValidUntil, string VerifyUrl);

public sealed record MyCertificationResponse(
    string CertificationId, string Title, string Description, IReadOnlyList<RequirementResponse> Requirements, double Progress, bool Eligible,
    string? EstimatedDate, HeldCredentialResponse? Credential);

public sealed record IssuedCredentialResponse(string CredentialId, string CertificationId, string Credential, string ValidFrom, string? ValidUntil, string VerifyUrl);

public sealed record VerifyRequest(string? Credential);

public sealed record StoredCredentialResponse(string CredentialId, string Credential, VerificationResult Verification);

public sealed class PutCertificationValidator : AbstractValidator<PutCertificationRequest>
{
    public const int MaxRequirements = 100;
    public const int MaxValidForDays = 36_500;

    public PutCertificationValidator()
    {
        RuleFor(r => r.Title).NotEmpty().WithMessage("is required.").MaximumLength(200);
        RuleFor(r => r.Description).NotEmpty().WithMessage("is required.").MaximumLength(2000);
        RuleFor(r => r.Criteria).NotEmpty().WithMessage("is required.").MaximumLength(4000);
        RuleFor(r => r.ValidForDays).Must(d => d is null or >= 1 and <= MaxValidForDays).WithMessage($"must be 1 to {MaxValidForDays} days, or left out for no end.");
        RuleFor(r => r.Requirements).Cascade(CascadeMode.Stop).NotNull().WithMessage("is required.")
            .Must(r => (r!.Courses?.Count ?? 0) + (r.Quizzes?.Count ?? 0) + (r.Skills?.Count ?? 0) >= 1).WithMessage("must name at least one course, quiz or skill.");
        When(r => r.Requirements is not null, () =>
        {
            RuleFor(r => r.Requirements!.Courses).Must(c => c is null || c.Count <= MaxRequirements).WithMessage($"must hold at most {MaxRequirements}.")
                .Must(c => c is null || Distinct(c.Select(x => x?.CourseId))).WithMessage("must not repeat a courseId.")
                .OverridePropertyName("requirements.courses");
            RuleFor(r => r.Requirements!.Quizzes).Must(q => q is null || q.Count <= MaxRequirements).WithMessage($"must hold at most {MaxRequirements}.")
                .Must(q => q is null || Distinct(q.Select(x => x is null ? null : x.CourseId + "/" + x.QuizId))).WithMessage("must not repeat a quiz.")
                .OverridePropertyName("requirements.quizzes");
            RuleFor(r => r.Requirements!.Skills).Must(s => s is null || s.Count <= MaxRequirements).WithMessage($"must hold at most {MaxRequirements}.")
                .Must(s => s is null || Distinct(s.Select(x => x?.SkillId))).WithMessage("must not repeat a skillId.")
                .OverridePropertyName("requirements.skills");
            RuleForEach(r => r.Requirements!.Courses).NotNull().WithMessage("must be a course requirement object.").ChildRules(c =>
            {
                c.RuleFor(x => x!.CourseId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
                c.RuleFor(x => x!.MinCompletion).NotNull().WithMessage("is required.")
                    .Must(p => p is > 0 and <= 100).WithMessage("must be a percent above 0 and at most 100.");
            }).OverridePropertyName("requirements.courses");
            RuleForEach(r => r.Requirements!.Quizzes).NotNull().WithMessage("must be a quiz requirement object.").ChildRules(q =>
            {
                q.RuleFor(x => x!.CourseId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
                q.RuleFor(x => x!.QuizId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
                q.RuleFor(x => x!.MinPercent).NotNull().WithMessage("is required.")
                    .Must(p => p is > 0 and <= 100).WithMessage("must be a percent above 0 and at most 100.");
            }).OverridePropertyName("requirements.quizzes");
            RuleForEach(r => r.Requirements!.Skills).NotNull().WithMessage("must be a skill requirement object.").ChildRules(s =>
            {
                s.RuleFor(x => x!.SkillId).NotNull().WithMessage("is required.").Must(Ids.IsValid!).WithMessage($"must be {Ids.Rule}.");
                s.RuleFor(x => x!.MinMastery).NotNull().WithMessage("is required.")
                    .Must(m => m is > 0 and <= 1).WithMessage("must be a mastery above 0 and at most 1.");
            }).OverridePropertyName("requirements.skills");
        });
    }

    private static bool Distinct(IEnumerable<string?> ids)
    {
        var present = ids.Where(i => i is not null).ToList();
        return present.Distinct(StringComparer.Ordinal).Count() == present.Count;
    }
}

public sealed class VerifyRequestValidator : AbstractValidator<VerifyRequest>
{
    public const int MaxLength = 64 * 1024;

    public VerifyRequestValidator()
    {
        RuleFor(r => r.Credential).NotEmpty().WithMessage("is required: the credential as a compact VC-JWT.")
            .MaximumLength(MaxLength);
    }
}
