using System.CommandLine;
using Autotune.Operator.Kubernetes.Controller;

namespace Autotune.Operator.Cli;

/// <summary><c>autotune operator</c>: the controller in a cluster.</summary>
public static class OperatorCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var namespaces = new Option<string[]>("--watch-namespace", "--namespace", "-n") { Description = "Namespace to watch (repeat for several); default: all namespaces" };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Act only while holding the leader-election Lease (on whenever more than one instance runs)" };
        var leaseName = new Option<string>("--lease-name") { Description = "Name of the leader-election Lease", DefaultValueFactory = _ => "autotune-operator" };
        var leaseNamespace = new Option<string?>("--lease-namespace") { Description = "Namespace of the Lease (default: the operator's own namespace in a cluster, else default)" };
        var healthPort = new Option<int>("--health-port") { Description = "Port of /healthz, /readyz and /metrics", DefaultValueFactory = _ => 8081 };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: in-cluster config, else KUBECONFIG or ~/.kube/config)" };
        var workers = new Option<int>("--workers") { Description = "Reconciles run at once (never two for one ApiTuning)", DefaultValueFactory = _ => 4 };
        var scrapeTimeout = new Option<double>("--scrape-timeout-seconds") { Description = "How long one pod scrape may take", DefaultValueFactory = _ => 2 };
        var statusTimeout = new Option<double>("--status-write-timeout-seconds") { Description = "How long one write of an ApiTuning's status or Event may take; a status that runs out of it is written with the next pass", DefaultValueFactory = _ => 10 };
        statusTimeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (> 0 and <= 300))
            {
                r.AddError("--status-write-timeout-seconds must be above 0 and at most 300");
            }
        });
        var grace = new Option<double>("--shutdown-grace-seconds") { Description = "How long a reconcile in flight may finish after SIGTERM", DefaultValueFactory = _ => 10 };

        var command = new Command("operator", "Run the operator in a cluster: watch ApiTunings and tune their Deployments and databases")
        {
            namespaces, leaderElect, leaseName, leaseNamespace, healthPort, kubeconfig, workers, scrapeTimeout, statusTimeout, grace,
        };
        command.SetAction(async (result, cancellationToken) => await OperatorHost.RunAsync(new OperatorHostOptions
        {
            Namespaces = result.GetValue(namespaces) ?? [],
            LeaderElection = result.GetValue(leaderElect),
            LeaseName = result.GetValue(leaseName)!,
            LeaseNamespace = result.GetValue(leaseNamespace),
            HealthPort = result.GetValue(healthPort),
            Kubeconfig = result.GetValue(kubeconfig),
            Workers = result.GetValue(workers),
            ScrapeTimeout = TimeSpan.FromSeconds(result.GetValue(scrapeTimeout)),
            StatusWriteTimeout = TimeSpan.FromSeconds(result.GetValue(statusTimeout)),
            ShutdownGrace = TimeSpan.FromSeconds(result.GetValue(grace)),
        }, cancellationToken));
        return command;
    }
}
