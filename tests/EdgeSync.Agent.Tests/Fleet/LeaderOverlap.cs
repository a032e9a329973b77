namespace EdgeSync.Agent.Tests.Fleet;

/// <summary>
/// Finds provable split brain in polled status answers, with no false alarms from polling skew.
/// A sample says "leader at some instant of [sent - staleness, received]" (the agent's status is a
/// snapshot its main loop refreshes, hence the staleness allowance). A run of consecutive samples of one
/// node all claiming the same term proves it led throughout [first.received, last.sent - staleness]: a
/// node never leads a term again after stepping down in it. Another node's claim whose whole window lies
/// inside that interval is two leaders at once. Two nodes claiming the same term is a violation outright.
/// </summary>
public static class LeaderOverlap
{
    public static List<string> Violations(IReadOnlyList<StatusSample> samples, double stalenessMs)
    {
        var problems = new List<string>();
        foreach (var term in samples.Where(s => s.ClaimsLeader).GroupBy(s => s.Term))
        {
            var nodes = term.Select(s => s.Node).Distinct().ToList();
            if (nodes.Count > 1)
                problems.Add($"term {term.Key} was claimed by {string.Join(" and ", nodes)}");
        }

        var claims = samples.Where(s => s.ClaimsLeader).ToList();
        foreach (var (node, from, to, term) in CertainRuns(samples, stalenessMs))
        {
            foreach (var other in claims.Where(c => c.Node != node && c.SentMs - stalenessMs >= from && c.ReceivedMs <= to))
            {
                problems.Add($"{other.Node} claimed term {other.Term} within [{other.SentMs - stalenessMs:0}, {other.ReceivedMs:0}] ms while {node} led term {term} throughout [{from:0}, {to:0}] ms");
            }
        }

        return problems;
    }

    private static IEnumerable<(string Node, double From, double To, long Term)> CertainRuns(IReadOnlyList<StatusSample> samples, double stalenessMs)
    {
        foreach (var node in samples.GroupBy(s => s.Node))
        {
            StatusSample? first = null, last = null;
            foreach (var s in node.OrderBy(s => s.SentMs))
            {
                if (s.ClaimsLeader && first is not null && s.Term == first.Term)
                {
                    last = s;
                    continue;
                }

                if (first is not null && last is not null)
                    yield return (node.Key, first.ReceivedMs, last.SentMs - stalenessMs, first.Term);
                first = s.ClaimsLeader ? s : null;
                last = null;
            }

            if (first is not null && last is not null)
                yield return (node.Key, first.ReceivedMs, last.SentMs - stalenessMs, first.Term);
        }
    }
}
