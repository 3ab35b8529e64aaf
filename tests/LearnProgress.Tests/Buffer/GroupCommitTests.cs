using LearnProgress.Core;
using LearnProgress.Redis;

namespace LearnProgress.Tests.Buffer;

/// <summary>How pings share calls: at once when idle, together while a call is in flight, never answered early.</summary>
public sealed class GroupCommitTests
{
    private readonly List<string[]> _calls = [];
    private readonly Queue<TaskCompletionSource> _inFlight = new();

    private Task Send(IReadOnlyList<string> items)
    {
        var call = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_calls)
        {
            _calls.Add([.. items]);
            _inFlight.Enqueue(call);
        }
        return call.Task;
    }

    private static List<Task> SendAll(GroupCommit<string> groups, params string[] items) => SendAll(groups, 0, items);

    private static List<Task> SendAll(GroupCommit<string> groups, int lane, params string[] items) =>
        items.Select(item => groups.SendAsync(lane, item)).ToList();

    private GroupCommit<string> Groups(Func<Exception, bool>? isolate = null, int max = 100) => new(Send, isolate ?? (_ => false), max);

    private void Finish(Exception? error = null)
    {
        TaskCompletionSource call;
        lock (_calls) call = _inFlight.Dequeue();
        if (error is null) call.SetResult();
        else call.SetException(error);
    }

    private async Task WaitForCallsAsync(int count)
    {
        for (var i = 0; i < 500 && _calls.Count < count; i++) await Task.Delay(10);
        Assert.Equal(count, _calls.Count);
    }

    [Fact]
    public async Task A_lone_item_goes_at_once_and_is_answered_only_when_its_call_returns()
    {
        var groups = Groups();

        var answer = groups.SendAsync(0, "a");

        Assert.Equal([["a"]], _calls);
        await Task.Delay(50);
        Assert.False(answer.IsCompleted);
        Finish();
        await answer;
    }

    [Fact]
    public async Task Items_that_arrive_during_a_call_go_together_in_the_next_one()
    {
        var groups = Groups();
        var first = groups.SendAsync(0, "a");
        var waiting = SendAll(groups, "b", "c", "d");
        Assert.Single(_calls);

        Finish();
        await first;
        await WaitForCallsAsync(2);
        Assert.Equal(["b", "c", "d"], _calls[1]);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Finish();
        await Task.WhenAll(waiting);
    }

    [Fact]
    public async Task Lanes_do_not_wait_for_each_other_and_a_call_carries_at_most_the_limit()
    {
        var groups = Groups(max: 2);
        var slotA = groups.SendAsync(1, "a");
        var slotB = groups.SendAsync(2, "b");
        Assert.Equal([["a"], ["b"]], _calls);

        var more = SendAll(groups, 1, "c", "d", "e");
        Finish();
        Finish();
        await Task.WhenAll(slotA, slotB);
        await WaitForCallsAsync(3);
        Assert.Equal(["c", "d"], _calls[2]);
        Finish();
        await WaitForCallsAsync(4);
        Assert.Equal(["e"], _calls[3]);
        Finish();
        await Task.WhenAll(more);
    }

    [Fact]
    public async Task A_failed_call_fails_every_item_it_carried_and_the_next_call_goes_on()
    {
        var groups = Groups();
        var first = groups.SendAsync(0, "a");
        var carried = SendAll(groups, "b", "c");
        Finish();
        await first;
        await WaitForCallsAsync(2);

        Finish(new IOException("connection lost"));
        foreach (var item in carried) await Assert.ThrowsAsync<IOException>(() => item);

        var after = groups.SendAsync(0, "d");
        await WaitForCallsAsync(3);
        Finish();
        await after;
    }

    [Fact]
    public async Task A_failure_that_may_be_one_items_own_is_retried_item_by_item()
    {
        var groups = Groups(isolate: e => e is InvalidDataException);
        var first = groups.SendAsync(0, "a");
        var carried = SendAll(groups, "b", "bad", "c");
        Finish();
        await first;
        await WaitForCallsAsync(2);

        Finish(new InvalidDataException("WRONGTYPE"));
        await WaitForCallsAsync(3);
        Finish();                                           // b alone
        await WaitForCallsAsync(4);
        Finish(new InvalidDataException("WRONGTYPE"));      // bad alone
        await WaitForCallsAsync(5);
        Finish();                                           // c alone

        Assert.Equal([["b"], ["bad"], ["c"]], _calls.Skip(2));
        await carried[0];
        await Assert.ThrowsAsync<InvalidDataException>(() => carried[1]);
        await carried[2];
    }
}
