using CsCheck;

namespace EdgeSync.Core.Tests.Fuzz;

/// <summary>Byte strings near valid encodings (bit flips, cuts, splices, overwritten spans) and plain noise.</summary>
public static class Mutations
{
    public static Gen<byte[]> Of(IReadOnlyList<byte[]> corpus) =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 64]),
            (6, Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 12])
                .Select(t => Mutate(corpus[t.Item1], t.Item2, t.Item3, t.Item4))));

    private static byte[] Mutate(byte[] valid, int kind, int at, byte[] noise)
    {
        var bytes = (byte[])valid.Clone();
        if (bytes.Length == 0)
        {
            return noise;
        }

        var i = at % bytes.Length;
        switch (kind)
        {
            case 0: // flip one bit
                bytes[i] ^= (byte)(1 << (at % 8));
                return bytes;
            case 1: // cut
                return bytes[..i];
            case 2: // overwrite a span with noise
                for (var j = 0; j < noise.Length && i + j < bytes.Length; j++)
                {
                    bytes[i + j] = noise[j];
                }

                return bytes;
            case 3: // insert noise
                return [.. bytes[..i], .. noise, .. bytes[i..]];
            default: // set a byte to an extreme (lengths, counts, enums)
                bytes[i] = (at & 1) == 0 ? (byte)0xFF : (byte)0x7F;
                return bytes;
        }
    }
}
