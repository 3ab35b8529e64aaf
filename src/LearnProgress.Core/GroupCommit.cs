namespace LearnProgress.Core;

/// <summary>
/// Group commit: while a call is in flight in a lane, the items that arrive wait, and the next call carries all of
/// them. On the ping path a call is one round trip to the buffer (and, on Garnet, one AOF commit and sync) for the pings
/// of many learners; in the SQLite store it is one transaction (and one sync of its log) for the batches of several
/// buckets. There is no timer: a lone item goes at once, so latency at low load does not grow. Each caller's task
/// completes only when the call that carried its item returned, and fails with that call's error.
/// </summary>
/// <param name="send">Writes one group in one call.</param>
/// <param name="isolate">
/// Whether a group's failure may be one item's own (a script error on one learner's keys, a row the store refuses): the
/// group is then sent again one item at a time, so the others are not failed with it. An outage fails the whole group at once.
/// </param>
/// <param name="maxItems">The most items one call carries, so one call never holds the server long.</param>
public sealed class GroupCommit<TItem>(Func<IReadOnlyList<TItem>, Task> send, Func<Exception, bool> isolate, int maxItems)
{
    private sealed record Waiting(TItem Item, TaskCompletionSource Done);

    private sealed class Lane
    {
        public readonly Queue<Waiting> Queue = new();
        public bool Busy;
    }

    private readonly Dictionary<int, Lane> _lanes = [];

    /// <summary>Sends <paramref name="item"/> in the next call of <paramref name="lane"/> (a hash slot on a cluster).</summary>
    public Task SendAsync(int lane, TItem item)
    {
        var waiting = new Waiting(item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Lane target;
        bool start;
        lock (_lanes)
        {
            if (!_lanes.TryGetValue(lane, out target!)) _lanes[lane] = target = new Lane();
            target.Queue.Enqueue(waiting);
            start = !target.Busy;
            target.Busy = true;
        }
        // The caller that finds the lane idle sends at once, and keeps sending what arrived meanwhile until it is empty.
        if (start) _ = DrainAsync(target);
        return waiting.Done.Task;
    }

    private async Task DrainAsync(Lane lane)
    {
        while (true)
        {
            List<Waiting> group;
            lock (_lanes)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Busy = false;
                    return;
                }
                group = new List<Waiting>(Math.Min(lane.Queue.Count, maxItems));
                while (group.Count < maxItems && lane.Queue.TryDequeue(out var next)) group.Add(next);
            }
            await SendGroupAsync(group);
        }
    }

    private async Task SendGroupAsync(List<Waiting> group)
    {
        try
        {
            await send(group.ConvertAll(w => w.Item));
            foreach (var waiting in group) waiting.Done.TrySetResult();
        }
        catch (Exception error) when (group.Count > 1 && isolate(error))
        {
            foreach (var waiting in group) await SendGroupAsync([waiting]);
        }
        catch (Exception error)
        {
            foreach (var waiting in group) waiting.Done.TrySetException(error);
        }
    }
}
