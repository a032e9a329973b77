using System.Text;

namespace EdgeSync.Core.Store;

/// <summary>Validation of keys (SPEC §2: UTF-8, 1–512 bytes, no control characters).</summary>
public static class KeyRules
{
    public static string? Validate(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty.";
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.Encoding.GetByteCount(key);
        }
        catch (ArgumentException)
        {
            return "The key is not valid UTF-8.";
        }

        if (bytes > StoreOptions.MaxKeyBytes)
        {
            return $"The key is {bytes} bytes; at most {StoreOptions.MaxKeyBytes} are allowed.";
        }

        foreach (var rune in key.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                return "The key contains a control character.";
            }
        }

        return null;
    }
}
