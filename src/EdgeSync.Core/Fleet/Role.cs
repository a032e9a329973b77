namespace EdgeSync.Core.Fleet;

/// <summary>A node's part in leader election (SPEC §4). Shown on the leader LED and in /v1/status.</summary>
public enum Role
{
    Follower,
    Candidate,
    Leader,
}
