using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class LeaderElectionTests
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_of_two_instances_leads_and_the_other_takes_over_within_the_lease_when_it_stops()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        using var http = new HttpClient();
        await using var first = Instance.Start(cluster, "operator-a", http);
        await Eventually.UntilAsync(() => first.Runner.IsLeader, TimeSpan.FromSeconds(20), "operator-a leading");
        await using var second = Instance.Start(cluster, "operator-b", http);
        await Eventually.UntilAsync(() => second.Runner.Ready, TimeSpan.FromSeconds(20), "operator-b standing by");

        // operator-b has tried the Lease (it is ready) and found it held: only operator-a acts.
        var lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("autotune", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("operator-a", lease.Spec.HolderIdentity);
        Assert.False(second.Runner.IsLeader);
        Assert.Null(second.Runner.Current);

        await first.StopAsync();
        await Eventually.UntilAsync(() => second.Runner.IsLeader, LeaseDuration + TimeSpan.FromSeconds(5), "operator-b taking over within the lease");

        lease = await cluster.Client.CoordinationV1.ReadNamespacedLeaseAsync("autotune", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("operator-b", lease.Spec.HolderIdentity);
        Assert.False(first.Runner.IsLeader);
        Assert.NotNull(second.Runner.Current);
    }

    [Fact]
    public async Task Without_leader_election_the_one_instance_acts_at_once_and_never_touches_a_lease()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        using var http = new HttpClient();
        await using var only = Instance.Start(cluster, "operator-only", http, electLeader: false);

        await Eventually.UntilAsync(() => only.Runner.IsLeader && only.Runner.Ready, TimeSpan.FromSeconds(20), "the one instance acting");

        var leases = await cluster.Client.CoordinationV1.ListNamespacedLeaseAsync(cluster.Namespace, cancellationToken: Ct);
        Assert.Empty(leases.Items);
        Assert.NotNull(only.Runner.Current);
        await only.StopAsync();
        Assert.False(only.Runner.IsLeader);
    }

    private sealed class Instance : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private Task _running = Task.CompletedTask;

        private Instance(LeaderElectedController runner) => Runner = runner;

        public LeaderElectedController Runner { get; }

        public static Instance Start(KubeTestCluster cluster, string identity, HttpClient http, bool electLeader = true)
        {
            var leader = new LeaderOptions
            {
                Enabled = electLeader,
                LeaseName = "autotune",
                LeaseNamespace = cluster.Namespace,
                Identity = identity,
                LeaseDuration = LeaseDuration,
                RenewDeadline = TimeSpan.FromSeconds(3),
                RetryPeriod = TimeSpan.FromMilliseconds(500),
            };
            var options = new ControllerOptions
            {
                Namespaces = [cluster.Namespace],
                Ports = new KubernetesPortOptions { Http = http },
                PortFactory = new FakePorts().Create,
            };
            var instance = new Instance(new LeaderElectedController(cluster.OperatorClient, leader, options, new OperatorMetrics(), new TestLogger(identity)));
            instance._running = instance.Runner.RunAsync(instance._stop.Token);
            return instance;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }
}
