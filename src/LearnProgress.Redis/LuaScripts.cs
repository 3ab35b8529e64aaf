namespace LearnProgress.Redis;

/// <summary>The buffer's Lua scripts, read once from embedded resources.</summary>
internal static class LuaScripts
{
    public static readonly string Record = Load("record.lua");
    public static readonly string Claim = Load("claim.lua");
    public static readonly string Ack = Load("ack.lua");
    public static readonly string Erase = Load("erase.lua");
    public static readonly string Zone = Load("zone.lua");

    private static string Load(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream($"LearnProgress.Redis.Scripts.{name}")
            ?? throw new InvalidOperationException($"Embedded script {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
