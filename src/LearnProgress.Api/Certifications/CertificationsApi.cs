using System.Globalization;
using System.Security.Claims;
using LearnProgress.Api.Courses;
using LearnProgress.Api.Hosting;
using LearnProgress.Api.Security;
using LearnProgress.Core;
using LearnProgress.Core.Certifications;
using LearnProgress.Core.Progress;
using LearnProgress.Core.Record;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LearnProgress.Api.Certifications;

/// <summary>
/// Certifications (admin), the learner's progress towards each, and issuing the Open Badges credential of one the
/// learner is eligible for. The rules are Core's <see cref="Eligibility"/>.
/// </summary>
public static class CertificationsApi
{
    public static RouteGroupBuilder MapCertificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Certifications");
        group.MapPut("/certifications/{certId}", PutCertification).RequireAuthorization(AuthExtensions.AdminPolicy).Validated<PutCertificationRequest>()
            .WithSummary("Adds (201) or replaces (200) a certification; every course, quiz and skill it names must exist.");
        // Anonymous: a credential's achievement id is this URL, so anyone holding the credential can look it up.
        group.MapGet("/certifications/{certId}", GetCertification).AllowAnonymous().WithSummary("One certification and its requirements.");
        group.MapGet("/certifications", ListCertifications).AllowAnonymous().WithSummary("Every certification.");
        group.MapGet("/me/certifications", MyCertifications).RequireLearner()
            .WithSummary("Per certification: each requirement with the caller's value, overall progress, eligibility and the estimated date at the caller's pace.");
        group.MapPost("/me/certifications/{certId}/credential", Issue).RequireLearner()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Issues the caller's Open Badges 3.0 credential (VC-JWT) of a certification they are eligible for; again answers the same one until it expires or is revoked.");
        return group;
    }

    public static async Task<Results<Created<CertificationResponse>, Ok<CertificationResponse>, ProblemHttpResult>> PutCertification(
        string certId, PutCertificationRequest request, ICertificationStore store, IAssessmentStore assessments, CatalogCache catalog, CancellationToken ct)
    {
        if (!Ids.IsValid(certId)) return CoursesApi.InvalidId("certId");
        var certification = request.ToCertification(certId);
        var errors = new Dictionary<string, string[]>();
        var courses = certification.Requirements.Courses;
        for (var i = 0; i < courses.Count; i++)
            if (await catalog.GetAsync(courses[i].CourseId, ct) is null)
                errors[$"requirements.courses[{i}].courseId"] = [$"'{courses[i].CourseId}' is not a course."];
        var quizzes = certification.Requirements.Quizzes;
        for (var i = 0; i < quizzes.Count; i++)
            if (await assessments.GetQuizAsync(quizzes[i].CourseId, quizzes[i].QuizId, ct) is null)
                errors[$"requirements.quizzes[{i}].quizId"] = [$"Course '{quizzes[i].CourseId}' has no quiz '{quizzes[i].QuizId}'."];
        var skills = certification.Requirements.Skills;
        if (skills.Count > 0)
        {
            var known = (await assessments.ListSkillsAsync(ct)).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < skills.Count; i++)
                if (!known.Contains(skills[i].SkillId))
                    errors[$"requirements.skills[{i}].skillId"] = [$"'{skills[i].SkillId}' is not a skill."];
        }
        if (errors.Count > 0) return TypedResults.Problem(Problems.Invalid(errors));

        var response = CertificationResponse.From(certification);
        return await store.PutCertificationAsync(certification, ct)
            ? TypedResults.Created($"/api/v1/certifications/{certId}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<CertificationResponse>, ProblemHttpResult>> GetCertification(string certId, ICertificationStore store, CancellationToken ct)
    {
        if (!Ids.IsValid(certId)) return CoursesApi.InvalidId("certId");
        return await store.GetCertificationAsync(certId, ct) is { } certification
            ? TypedResults.Ok(CertificationResponse.From(certification))
            : UnknownCertification();
    }

    public static async Task<Ok<List<CertificationResponse>>> ListCertifications(ICertificationStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListCertificationsAsync(ct)).Select(CertificationResponse.From).ToList());

    public static async Task<Ok<List<MyCertificationResponse>>> MyCertifications(
        ClaimsPrincipal user, ICertificationStore store, CertificationStandings standings, CredentialService credentials, TimeProvider time,
        HttpRequest request, CancellationToken ct)
    {
        var learner = user.Id();
        var certifications = await store.ListCertificationsAsync(ct);
        var held = store.ReadLearnerCredentialsAsync(learner, ct);
        var standing = await standings.ReadAsync(learner, certifications, ct);
        var now = time.GetUtcNow();
        var current = (await held).Where(c => c.IsCurrent(now)).GroupBy(c => c.CertificationId)
            .ToDictionary(g => g.Key, g => g.MaxBy(c => c.IssuedAt)!, StringComparer.Ordinal);
        var baseUrl = credentials.BaseUrl(request);
        return TypedResults.Ok(certifications.Select(c =>
        {
            var progress = Eligibility.Evaluate(c, standing);
            return new MyCertificationResponse(c.Id, c.Title, c.Description, progress.Requirements.Select(RequirementResponse.From).ToList(),
                progress.Progress, progress.Eligible, progress.EstimatedDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                current.TryGetValue(c.Id, out var credential) ? Held(credential, baseUrl) : null);
        }).ToList());
    }

    public static async Task<Results<Created<IssuedCredentialResponse>, Ok<IssuedCredentialResponse>, ProblemHttpResult>> Issue(
        string certId, ClaimsPrincipal user, ICertificationStore store, CertificationStandings standings, CredentialService credentials,
        TimeProvider time, HttpRequest request, [FromServices] IEnumerable<IRecordListener> listeners, CancellationToken ct)
    {
        if (!Ids.IsValid(certId)) return CoursesApi.InvalidId("certId");
        if (await store.GetCertificationAsync(certId, ct) is not { } certification) return UnknownCertification();
        if (!credentials.CanIssue)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Issuing credentials is off.",
                detail: "No credential signing key is configured (Credentials:SigningKeys).");
        var learner = user.Id();
        var progress = Eligibility.Evaluate(certification, await standings.ReadAsync(learner, [certification], ct));
        if (!progress.Eligible)
        {
            var missing = progress.Requirements.Select((r, i) => (r, i)).Where(x => !x.r.Met)
                .ToDictionary(x => Field(x.r, progress.Requirements.Take(x.i).Count(p => p.Kind == x.r.Kind)), x => new[] { "Not met: " + x.r.Describe() + "." });
            return TypedResults.Problem(Problems.Fields(StatusCodes.Status409Conflict, "Not eligible for this certification yet.", missing));
        }

        // Whole seconds: the credential's validFrom and validUntil and the stored ones are the same instants.
        var now = time.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var validUntil = certification.ValidForDays is { } days ? issuedAt.AddDays(days) : (DateTimeOffset?)null;
        var baseUrl = credentials.BaseUrl(request);
        var issued = await store.IssueAsync(learner, certId, now, (credentialId, statusIndex) =>
        {
            var document = credentials.Document(baseUrl, certification, credentialId, statusIndex, issuedAt, validUntil);
            return CredentialEvents.Plan(
                new IssuedCredential(credentialId, learner, certId, statusIndex, issuedAt, validUntil, credentials.Sign(document), Revoked: false));
        }, ct);
        if (issued.Events.Count > 0)
        {
            // Deliveries and pushes hear of these events as of any other saved ones.
            var plan = RecordPlan.Empty with { Events = issued.Events };
            foreach (var listener in listeners) listener.OnWritten(plan);
        }
        var c = issued.Credential;
        var response = new IssuedCredentialResponse(c.CredentialId, c.CertificationId, c.Jwt, CredentialService.Iso(c.IssuedAt),
            c.ValidUntil is { } until ? CredentialService.Iso(until) : null, VerifyUrl(baseUrl, c.CredentialId));
        return issued.Created ? TypedResults.Created($"/api/v1/credentials/{c.CredentialId}", response) : TypedResults.Ok(response);
    }

    public static string VerifyUrl(string baseUrl, string credentialId) => $"{baseUrl}/verify/{credentialId}";

    private static HeldCredentialResponse Held(IssuedCredential c, string baseUrl) =>
        new(c.CredentialId, CredentialService.Iso(c.IssuedAt), c.ValidUntil is { } until ? CredentialService.Iso(until) : null, VerifyUrl(baseUrl, c.CredentialId));

    private static string Field(RequirementStatus r, int index) => r.Kind switch
    {
        RequirementKinds.Course => $"requirements.courses[{index}]",
        RequirementKinds.Quiz => $"requirements.quizzes[{index}]",
        _ => $"requirements.skills[{index}]",
    };

    // Anonymous callers reach this: the answer does not echo what they sent.
    internal static ProblemHttpResult UnknownCertification() =>
        TypedResults.Problem(Problems.NotFound("certId", "There is no such certification."));
}
