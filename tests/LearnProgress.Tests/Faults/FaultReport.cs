namespace LearnProgress.Tests.Faults;

/// <summary>Each fault test prints its counts, in the test output and on the console of the test run.</summary>
internal static class FaultReport
{
    public static void Print(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine($"fault suite: {line}");
    }
}
