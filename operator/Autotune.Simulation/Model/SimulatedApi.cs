namespace Autotune.Simulation.Model;

/// <summary>One simulated Deployment: its pods, its replica count and the tuning file its pods read.</summary>
public sealed class SimulatedApi
{
    private readonly DatabaseServer _database;
    private readonly List<SimulatedPod> _pods = [];
    private int _nextPod;

    /// <summary>A deployment with its starting replicas ready at time 0.</summary>
    public SimulatedApi(ApiOptions options, DatabaseServer database)
    {
        Options = options;
        _database = database;
        Tuning = new PodTuning(0, options.MinThreads, options.PoolSize);
        Replicas = options.Replicas;
        for (var i = 0; i < options.Replicas; i++)
        {
            AddPod(-options.Pod.StartupSeconds);
        }
    }

    /// <summary>The deployment's definition.</summary>
    public ApiOptions Options { get; }

    /// <summary>Deployment name.</summary>
    public string Name => Options.Name;

    /// <summary>Desired replicas.</summary>
    public int Replicas { get; private set; }

    /// <summary>The tuning file now published to the pods.</summary>
    public PodTuning Tuning { get; private set; }

    /// <summary>Every pod, ready or starting.</summary>
    public IReadOnlyList<SimulatedPod> Pods => _pods;

    /// <summary>What really happened to this API's requests since the truth was last reset.</summary>
    public RequestTruth Truth { get; } = new();

    /// <summary>Pods that take traffic now.</summary>
    public IEnumerable<SimulatedPod> ReadyPods(double now) => _pods.Where(p => p.IsReady(now));

    /// <summary>Scales the deployment: new pods start (and become ready after start-up); removed pods close their connections.</summary>
    public void SetReplicas(int replicas, double now)
    {
        Replicas = Math.Max(0, replicas);
        while (_pods.Count < Replicas)
        {
            AddPod(now);
        }

        while (_pods.Count > Replicas)
        {
            // The newest (possibly not yet ready) pods go first, as a ReplicaSet removes them.
            var pod = _pods[^1];
            pod.Terminate();
            _pods.RemoveAt(_pods.Count - 1);
        }
    }

    /// <summary>
    /// Publishes a new tuning file (the next generation); every pod applies it after its own delay. The shedding
    /// deadline keeps its value unless <paramref name="shedAfterMs"/> is given.
    /// </summary>
    public void SetTuning(int minThreads, int poolSize, double now, Random random, int? shedAfterMs = null)
    {
        Tuning = new PodTuning(Tuning.Generation + 1, minThreads, poolSize, shedAfterMs ?? Tuning.ShedAfterMs);
        foreach (var pod in _pods)
        {
            pod.Receive(Tuning, now, random.NextDouble() * 2);
        }
    }

    /// <summary>Advances every pod by one tick, splitting the arrivals among ready pods.</summary>
    public void Step(double now, double dt, Random random)
    {
        var ready = 0;
        foreach (var pod in _pods)
        {
            ready += pod.IsReady(now) ? 1 : 0;
        }

        var rate = Options.Rate.At(now);
        foreach (var pod in _pods)
        {
            var arrivals = pod.IsReady(now) && ready > 0 ? Poisson.Sample(random, rate * dt / ready) : 0;
            pod.Step(now, dt, arrivals);
        }

        if (ready == 0)
        {
            // Nobody to answer: the load balancer refuses every request.
            var lost = Poisson.Sample(random, rate * dt);
            Truth.Arrived += lost;
            Truth.Failed += lost;
            Truth.Latency.Observe(lost, 0.001);
        }
    }

    private void AddPod(double createdAt)
    {
        var pod = new SimulatedPod($"{Options.Name}-{_nextPod++}", createdAt, Options.Pod, Options.Workload, Tuning, _database, Truth);
        _pods.Add(pod);
    }
}
