using System.IO.Compression;

namespace LearnProgress.Core.Certifications;

/// <summary>
/// The Bitstring Status List (W3C): one bit per issued credential, 1 when revoked. Index 0 is the most significant bit
/// of the first byte. The list is at least 16 KiB (131,072 entries), so a holder's index hides among many.
/// </summary>
public static class StatusList
{
    public const int Length = 131_072;
    public const string Revocation = "revocation";

    /// <summary>The list an index lives in (1-based) and its place in that list.</summary>
    public static (long List, long Index) Locate(long statusIndex) => (statusIndex / Length + 1, statusIndex % Length);

    /// <summary>The global status index of a place in a list, as <see cref="Locate"/> reverses.</summary>
    public static long Global(long list, long index) => (list - 1) * Length + index;

    /// <summary>The encodedList: the bitstring gzipped, base64url without padding, with the multibase prefix 'u'.</summary>
    public static string Encode(IEnumerable<long> revokedIndexes)
    {
        var bits = new byte[Length / 8];
        foreach (var index in revokedIndexes)
        {
            if (index is < 0 or >= Length) throw new ArgumentOutOfRangeException(nameof(revokedIndexes), index, "outside the list");
            bits[index / 8] |= (byte)(0x80 >> (int)(index % 8));
        }
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bits);
        return "u" + Base64Url(packed.ToArray());
    }

    /// <summary>The bit at <paramref name="index"/> of an encodedList.</summary>
    public static bool IsSet(string encodedList, long index)
    {
        var raw = encodedList.StartsWith('u') ? encodedList[1..] : encodedList;
        using var gzip = new GZipStream(new MemoryStream(FromBase64Url(raw)), CompressionMode.Decompress);
        using var bits = new MemoryStream();
        gzip.CopyTo(bits);
        var bytes = bits.GetBuffer();
        if (index < 0 || index / 8 >= bits.Length) throw new ArgumentOutOfRangeException(nameof(index), index, "outside the list");
        return (bytes[index / 8] & (0x80 >> (int)(index % 8))) != 0;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
