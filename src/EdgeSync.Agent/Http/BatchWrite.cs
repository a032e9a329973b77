using System.Text.Json;
using EdgeSync.Core.Clocks;
using EdgeSync.Core.Store;

namespace EdgeSync.Agent.Http;

/// <summary>One write of a <c>POST /v1/batch</c>, checked as a PUT or DELETE of its own would be.</summary>
public sealed record BatchWrite(string Key, string? Json, DotSet? Context)
{
    public bool Delete => Json is null;

    /// <summary>The write at <paramref name="index"/>, or a 400 naming it and what is wrong.</summary>
    public static BatchWrite From(JsonElement item, int index, int maxValueBytes)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Bad(index, ErrorCodes.InvalidBatch, "Not an object.");
        }

        string? key = null, json = null;
        DotSet? context = null;
        var delete = false;
        foreach (var field in item.EnumerateObject())
        {
            switch (field.Name)
            {
                case "key" when field.Value.ValueKind == JsonValueKind.String:
                    key = field.Value.GetString();
                    break;
                case "value":
                    json = field.Value.GetRawText();
                    break;
                case "delete" when field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    delete = field.Value.GetBoolean();
                    break;
                case "context" when field.Value.ValueKind == JsonValueKind.String:
                    context = DotSet.TryDecode(field.Value.GetString()!, out var parsed)
                        ? parsed
                        : throw Bad(index, ErrorCodes.InvalidContext, "A context this API did not issue.");
                    break;
                case "key" or "delete" or "context":
                    throw Bad(index, ErrorCodes.InvalidBatch, $"\"{field.Name}\" has the wrong type ({field.Value.ValueKind}).");
                default:
                    throw Bad(index, ErrorCodes.InvalidBatch, $"Unknown field \"{field.Name}\" (a write takes key, value or delete, and context).");
            }
        }

        if (KeyRules.Validate(key) is { } keyProblem)
        {
            throw Bad(index, ErrorCodes.InvalidKey, keyProblem);
        }

        if (delete == (json is not null))
        {
            throw Bad(index, ErrorCodes.InvalidBatch, $"Key '{key}' needs exactly one of \"value\" and \"delete\": true.");
        }

        if (json is not null && ValueRules.Check(json, maxValueBytes) is { } valueProblem)
        {
            throw Bad(index, KvEndpoints.Refused(valueProblem).Code, $"Key '{key}': {valueProblem.Message}");
        }

        return new BatchWrite(key!, json, context);
    }

    private static ApiException Bad(int index, string code, string problem) =>
        ApiException.BadRequest(code, $"writes[{index}]: {problem} Nothing was written.");
}
