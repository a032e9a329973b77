namespace EdgeSync.Core.Fleet;

/// <summary>A node's part in leader election.</summary>
public enum Role
{
    Follower,
    Candidate,
    Leader,
}
