namespace LearnProgress.Tests.Faults;

/// <summary>Each fault test prints its counts in its output, which the test command's log shows ("fault suite: ...").</summary>
internal static class FaultReport
{
    public static void Print(string line) => TestContext.Current.TestOutputHelper?.WriteLine($"fault suite: {line}");
}
