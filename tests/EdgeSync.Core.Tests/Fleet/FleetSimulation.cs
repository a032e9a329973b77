using EdgeSync.Core.Clocks;
using EdgeSync.Core.Fleet;
using EdgeSync.Core.Fleet.Messages;

namespace EdgeSync.Core.Tests.Fleet;

/// <summary>
/// A seeded, single-threaded fleet of <see cref="FleetNode"/>s on a simulated network that
/// drops, delays, duplicates and reorders messages, with partitions, broker loss, crashes and
/// per-node clock-rate drift. Invariants are checked at every step of simulated real time.
/// </summary>
internal sealed class FleetSimulation
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private readonly Random _random;
    private readonly FleetOptions _options;
    private readonly List<SimNode> _nodes = [];
    private readonly PriorityQueue<(string To, FleetMessage Message), (long, long)> _inFlight = new();
    private readonly Dictionary<long, string> _leaderOfTerm = [];
    private long _sequence;

    public FleetSimulation(int seed, int nodes, double dropRate = 0.05, bool tickWhenDue = false)
    {
        Seed = seed;
        TickWhenDue = tickWhenDue;
        _random = new Random(seed);
        DropRate = dropRate;
        var members = Enumerable.Range(1, nodes).Select(i => $"n{i}").ToList();
        _options = new FleetOptions { Members = members };
        foreach (var id in members)
        {
            var node = new SimNode(id, this, 1 + ((_random.NextDouble() * 2) - 1) * _options.MaxClockDrift);
            _nodes.Add(node);
            node.Start();
        }
    }

    public int Seed { get; }

    public static bool Debug { get; set; }

    public double DropRate { get; set; }

    /// <summary>
    /// Tick a node only as the agent's main loop does: when <see cref="FleetNode.NextDue"/> has come,
    /// a message was delivered to it, or its broker link changed; otherwise at every step.
    /// </summary>
    public bool TickWhenDue { get; }

    /// <summary>Ticks run over all nodes, to show how many <see cref="TickWhenDue"/> leaves out.</summary>
    public long Ticks { get; private set; }

    public double DuplicateRate { get; set; } = 0.02;

    public long RealTicks { get; private set; }

    public FleetOptions Options => _options;

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public List<string> Trace { get; } = [];

    public Random Random => _random;

    /// <summary>Groups of node ids that can talk; null = no partition.</summary>
    public List<HashSet<string>>? Partition { get; set; }

    public void RunFor(TimeSpan span)
    {
        var end = RealTicks + span.Ticks;
        while (RealTicks < end)
        {
            RealTicks += Step.Ticks;
            Deliver();
            foreach (var node in _nodes.Where(n => n.Alive))
            {
                node.Fleet!.SetBrokerConnected(!node.Isolated);
                if (!TickWhenDue || node.Due())
                {
                    node.Fleet.Tick();
                    node.Ticked();
                    Ticks++;
                }

                node.GrowApplied(_random);
            }

            Check();
        }
    }

    public IEnumerable<SimNode> LeasedLeaders => _nodes.Where(n => n.Alive && n.Fleet!.Election.HoldsLease);

    public bool CanTalk(string from, string to)
    {
        var a = _nodes.First(n => n.Id == from);
        var b = _nodes.First(n => n.Id == to);
        if (!a.Alive || !b.Alive || a.Isolated || b.Isolated)
        {
            return false;
        }

        return Partition is null || Partition.Any(g => g.Contains(from) && g.Contains(to));
    }

    public void Send(string from, string to, FleetMessage message)
    {
        if (!CanTalk(from, to) || _random.NextDouble() < DropRate)
        {
            return;
        }

        var copies = _random.NextDouble() < DuplicateRate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = TimeSpan.FromMilliseconds(1 + _random.Next(40)).Ticks;
            _inFlight.Enqueue((to, message), (RealTicks + delay, _sequence++));
        }
    }

    private void Deliver()
    {
        while (_inFlight.TryPeek(out var item, out var when) && when.Item1 <= RealTicks)
        {
            _inFlight.Dequeue();
            if (CanTalk(item.Message.From, item.To))
            {
                if (Debug && item.Message is not Heartbeat and not LeaderAck and not LeaderPing)
                {
                    Console.WriteLine($"{RealTicks / TimeSpan.TicksPerMillisecond} {item.Message.From}->{item.To} {item.Message}");
                }

                var to = _nodes.First(n => n.Id == item.To);
                to.Fleet!.Handle(item.Message);
                to.Delivered = true;
            }
        }
    }

    private void Check()
    {
        var leaders = LeasedLeaders.ToList();
        if (leaders.Count > 1)
        {
            throw new SimulationFailure(Seed, RealTicks, $"two leaders hold leases at once: {string.Join(", ", leaders.Select(l => $"{l.Id}@term{l.Fleet!.Election.Term}"))}");
        }

        foreach (var node in _nodes.Where(n => n.Alive && n.Fleet!.Election.Role == Role.Leader))
        {
            var term = node.Fleet!.Election.Term;
            if (_leaderOfTerm.TryGetValue(term, out var existing) && existing != node.Id)
            {
                throw new SimulationFailure(Seed, RealTicks, $"term {term} has two leaders: {existing} and {node.Id}");
            }

            if (!_leaderOfTerm.ContainsKey(term))
            {
                _leaderOfTerm[term] = node.Id;
                Trace.Add($"{RealTicks / TimeSpan.TicksPerMillisecond}ms {node.Id} leads term {term}");
            }
        }

        // A stable vector must never claim an update some member has not applied.
        var minApplied = VersionVector.Min([.. _nodes.Select(n => n.AppliedBase)]);
        foreach (var node in _nodes.Where(n => n.Alive))
        {
            if (!minApplied.Dominates(node.Fleet!.Stable))
            {
                throw new SimulationFailure(Seed, RealTicks, $"{node.Id} learned stable {node.Fleet.Stable} beyond what every member applied ({minApplied})");
            }
        }
    }

    public void ForEachAliveLeaderCount(Action<int> check) => check(LeasedLeaders.Count());

    internal sealed class SimNode(string id, FleetSimulation sim, double rate)
    {
        private readonly InMemoryElectionStore _store = new();
        private readonly Transport _transport = new(id, sim);

        public string Id { get; } = id;

        public bool Alive { get; private set; }

        public bool Isolated { get; set; }

        public FleetNode? Fleet { get; private set; }

        public VersionVector AppliedBase { get; private set; } = VersionVector.Empty;

        /// <summary>A message was handled since the last tick.</summary>
        public bool Delivered { get; set; }

        private DriftingClock? _clock;
        private long _dueAt;
        private bool? _tickedIsolated;

        public void Start()
        {
            _clock = new DriftingClock(() => sim.RealTicks, rate, sim.Random.Next(1_000_000));
            Fleet = new FleetNode(Id, sim._options, _clock, new Random(sim.Random.Next()), _transport, _store, () => AppliedBase, (_, _) => { });
            Alive = true;
            _dueAt = 0;
            _tickedIsolated = null;
        }

        public bool Due() => Delivered || _tickedIsolated != Isolated || _clock!.GetTimestamp() >= _dueAt;

        public void Ticked()
        {
            Delivered = false;
            _tickedIsolated = Isolated;
            _dueAt = Fleet!.NextDue();
        }

        public void Crash()
        {
            Alive = false;
            Fleet = null;
        }

        /// <summary>Each node applies updates from every origin over time; its vector only grows.</summary>
        public void GrowApplied(Random random)
        {
            if (random.NextDouble() < 0.05)
            {
                var origin = sim._nodes[random.Next(sim._nodes.Count)].Id;
                AppliedBase = AppliedBase.With(origin, AppliedBase[origin] + 1);
            }
        }

        private sealed class Transport(string self, FleetSimulation sim) : IFleetTransport
        {
            public void Broadcast(FleetMessage message)
            {
                foreach (var node in sim._nodes.Where(n => n.Id != self))
                {
                    sim.Send(self, node.Id, message);
                }
            }

            public void Send(string to, FleetMessage message) => sim.Send(self, to, message);
        }
    }
}
