using LearnProgress.Core.DataRights;

namespace LearnProgress.Core;

/// <summary>Everything the store holds about one learner, as a whole: for handing it over and for erasing it.</summary>
public interface ILearnerData
{
    /// <summary>Every stored row of the learner: settings, lectures of every course, days and runs.</summary>
    Task<LearnerHoldings> ReadAllAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every stored row of the learner and, with it, writes the event that announces the erase; erasing a
    /// learner the store does not know changes nothing else.
    /// </summary>
    Task EraseAsync(string userId, Events.LearningEvent erased, CancellationToken cancellationToken = default);
}
