using System.Text.RegularExpressions;

namespace LearnProgress.Core.Progress;

/// <summary>
/// User, course, lecture and session ids are data that ends up inside Redis key names, so their
/// alphabet excludes every character that could forge a separator (':') or a hash tag ('{', '}').
/// </summary>
public static partial class Ids
{
    public const int MaxLength = 64;
    public const string Rule = "1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
