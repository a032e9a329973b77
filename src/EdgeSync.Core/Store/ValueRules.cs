using System.Text;
using System.Text.Json;

namespace EdgeSync.Core.Store;

/// <summary>Validation of values (SPEC §2: a JSON document of at most <c>Store:MaxValueBytes</c>).</summary>
public static class ValueRules
{
    /// <summary>How deep a value may nest; the batch endpoint parses its envelope with room for this.</summary>
    public const int MaxDepth = 64;

    /// <summary>Why <paramref name="json"/> cannot be stored, or null when it can.</summary>
    public static WriteResult? Check(string json, int maxValueBytes)
    {
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > maxValueBytes)
        {
            return WriteResult.Fail(WriteStatus.ValueTooLarge, $"The value is {bytes} bytes; at most {maxValueBytes} are allowed (Store:MaxValueBytes).");
        }

        try
        {
            using var _ = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return null;
        }
        catch (JsonException e)
        {
            return WriteResult.Fail(WriteStatus.InvalidValue, $"The value is not valid JSON: {e.Message}");
        }
    }
}
