namespace EdgeSync.Agent.Http;

/// <summary>The <c>error</c> values the API answers with; stable, scripts match on them.</summary>
public static class ErrorCodes
{
    public const string InvalidKey = "invalid_key";
    public const string InvalidValue = "invalid_value";
    public const string ValueTooLarge = "value_too_large";
    public const string RequestTooLarge = "request_too_large";
    public const string InvalidParameter = "invalid_parameter";
    public const string InvalidContext = "invalid_context";
    public const string InvalidSession = "invalid_session";
    public const string NotFound = "not_found";
    public const string TooManySiblings = "too_many_siblings";
    public const string SessionNotCovered = "session_not_covered";
    public const string QuorumUnavailable = "quorum_unavailable";
    public const string Unauthorized = "unauthorized";
    public const string StoreUnavailable = "store_unavailable";
    public const string StoreRecovering = "store_recovering";
    public const string Internal = "internal";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string BadRequest = "bad_request";
    public const string InvalidImport = "invalid_import";
    public const string InvalidBatch = "invalid_batch";
}
