using System.Globalization;
using LearnProgress.Core.Analytics;
using LearnProgress.Core.Events;
using LearnProgress.Core.Record;

namespace LearnProgress.Core.Goals;

/// <summary>
/// <c>goal.met</c>: a week of a learner whose stored totals fell short of the week's goal and that the plan brings up
/// to it. A replayed plan finds the week met already in the store and decides nothing; the id is derived from the
/// learner and the week besides, so the same week decided twice is still one event.
/// </summary>
/// <remarks>
/// A goal lowered below what the week already holds raises no event: the week did not reach the goal through learning.
/// </remarks>
public static class GoalEvents
{
    public static IEnumerable<LearningEvent> Decide(RecordPlan plan, StoredState stored, DateTimeOffset now)
    {
        foreach (var (userId, learner) in stored.Learners.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (learner.Goals.Count == 0 || learner.GoalWindow is not { } window) continue;
            var planned = plan.Days.Where(d => d.Key.UserId == userId && window.Contains(d.Key.Day)).ToDictionary(d => d.Key.Day, d => d.Seconds);
            var completed = plan.Completed.Where(c => c.UserId == userId && window.Contains(c.Day)).Select(c => c.Day).ToList();
            var weeks = planned.Keys.Concat(completed).Select(d => LearnerAnalytics.WeekOf(d, learner.WeekStart)).Distinct().Order();
            foreach (var week in weeks)
            {
                var goal = WeeklyGoals.For(learner.Goals, week);
                if (!goal.IsSet) continue;
                bool InWeek(DateOnly day) => day >= week && day <= week.AddDays(6);
                var storedDays = learner.GoalDays.Where(d => InWeek(d.Day)).ToList();
                var secondsBefore = storedDays.Sum(d => d.Seconds);
                var lecturesBefore = storedDays.Sum(d => d.Completions);
                var secondsAfter = storedDays.Where(d => !planned.ContainsKey(d.Day)).Sum(d => d.Seconds)
                                   + planned.Where(p => InWeek(p.Key)).Sum(p => p.Value);
                var lecturesAfter = lecturesBefore + completed.Count(InWeek);
                if (!WeeklyGoals.Met(goal, secondsAfter, lecturesAfter) || WeeklyGoals.Met(goal, secondsBefore, lecturesBefore)) continue;
                yield return LearningEvent.Create(EventTypes.GoalMet, userId, week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), now,
                    new GoalMetData(userId, week, goal.Minutes, goal.Lectures, Math.Round(secondsAfter / 60, 1), lecturesAfter));
            }
        }
    }
}

/// <summary>The week (its first day in the learner's zone), the goal that held for it and the totals that met it.</summary>
public sealed record GoalMetData(string UserId, DateOnly WeekStart, int GoalMinutes, int GoalLectures, double Minutes, int Lectures);
