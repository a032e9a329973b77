namespace EdgeSync.Agent.Http;

/// <summary>An error answer: HTTP status, stable code and one sentence for people.</summary>
public sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static ApiException BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);
}
