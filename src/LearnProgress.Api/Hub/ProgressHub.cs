using System.Security.Claims;
using LearnProgress.Api.Security;
using Microsoft.AspNetCore.SignalR;

namespace LearnProgress.Api.Hub;

/// <summary>
/// Real-time pushes to a learner's own connections (every tab and device): <c>progressUpdated</c>,
/// <c>lectureCompleted</c>, <c>achievementAwarded</c>. Clients only listen; nothing is sent to the hub.
/// </summary>
public sealed class ProgressHub(HubPresence presence) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/hubs/progress";
    public const string ProgressUpdated = "progressUpdated";
    public const string LectureCompleted = "lectureCompleted";
    public const string AchievementAwarded = "achievementAwarded";
    public const string AttemptSubmitted = "attemptSubmitted";
    public const string QuizPassed = "quizPassed";
    public const string SkillMastered = "skillMastered";
    public const string GoalMet = "goalMet";

    public override Task OnConnectedAsync()
    {
        if (Context.UserIdentifier is { } user) presence.Connected(user);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.UserIdentifier is { } user) presence.Disconnected(user);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// <c>Clients.User</c> addresses the token's <c>sub</c>: with inbound claim mapping off, the default provider looks
/// for a NameIdentifier claim that is never there and reaches nobody.
/// </summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirstValue(AuthExtensions.SubjectClaim);
}
