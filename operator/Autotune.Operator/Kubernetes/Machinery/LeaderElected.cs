using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Runs a controller only while this instance holds the Lease. Every instance competes for it; the holder runs a new
/// controller for as long as it renews the Lease, and stops it the moment renewal fails, so two instances never act
/// at once. On shutdown the holder finishes its pass in flight, stops, and hands the Lease back (empty holder) so a
/// standby takes over at its next retry, not a whole lease duration later. A controller that fails while leading
/// (its run ends with an exception) is logged, reported to <c>failed</c> and replaced by a new one after a backoff,
/// for as long as the Lease is held; readiness fails meanwhile.
/// </summary>
/// <param name="client">The API server.</param>
/// <param name="leader">The Lease and its timings.</param>
/// <param name="start">Creates the controller of a term.</param>
/// <param name="leading">Told true when a term starts and false when it ends (a gauge, say).</param>
/// <param name="time">The clock of the backoff between failed elections.</param>
/// <param name="logger">The log.</param>
/// <param name="failed">Told the loop's name and the exception when a controller fails (a counter, say).</param>
public partial class LeaderElected<TController>(
    IKubernetes client, LeaderOptions leader, Func<TController> start, Action<bool> leading, TimeProvider time, ILogger logger, Action<string, Exception>? failed = null)
    where TController : class, ITermController
{
    private const string Loop = "controller";
    private volatile TController? _current;
    private volatile bool _running;
    private volatile bool _leading;

    /// <summary>Raised when this instance starts leading, with the controller it runs.</summary>
    public event Action<TController>? StartedLeading;

    /// <summary>True while this instance holds the Lease (and runs the controller, or is starting it again).</summary>
    public bool IsLeader => _leading;

    /// <summary>The controller of the current term, or null while standing by (or while a failed one is replaced).</summary>
    public TController? Current => _current;

    /// <summary>What keeps this instance from being ready; empty when ready.</summary>
    public IReadOnlyList<string> NotReady =>
        !_running ? ["not competing for the Lease"]
        : !_leading ? []
        : _current is { } c ? c.NotReady
        : [Loop + " restarting"];

    /// <summary>Ready: competing for the Lease, and when leading, the controller runs with every watch up.</summary>
    public bool Ready => NotReady.Count == 0;

    /// <summary>This instance's identity in the Lease.</summary>
    public string Identity => leader.Identity;

    /// <summary>Competes for the Lease and leads when it holds it, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!leader.Enabled)
        {
            await RunAloneAsync(cancellationToken);
            return;
        }

        _running = true;
        var backoff = new Backoff(leader.RetryPeriod, TimeSpan.FromSeconds(30));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var failed = await TermAsync(cancellationToken);
                if (failed && !cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(backoff.Next(), time, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                else
                {
                    backoff.Reset();
                }
            }
        }
        finally
        {
            _running = false;
        }
    }

    private async Task RunAloneAsync(CancellationToken cancellationToken)
    {
        _running = true;
        try
        {
            await LeadAsync(cancellationToken);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Runs controllers while leading: one, replaced by a new one after a backoff whenever it fails, until cancelled.</summary>
    private async Task LeadAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(leader.RetryPeriod, TimeSpan.FromSeconds(30));
        _leading = true;
        leading(true);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var controller = start();
                _current = controller;
                StartedLeading?.Invoke(controller);
                try
                {
                    await controller.RunAsync(cancellationToken);
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // Supervision: whatever failed, the leader must run a controller.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _current = null;
                    var delay = backoff.Next();
                    LogControllerFailed(logger, ex, delay.TotalMilliseconds);
                    failed?.Invoke(Loop, ex);
                    try
                    {
                        await Task.Delay(delay, time, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            _current = null;
            _leading = false;
            leading(false);
        }
    }

    private async Task<bool> TermAsync(CancellationToken cancellationToken)
    {
        var lease = new LeaseLock(client, leader.LeaseNamespace, leader.LeaseName, leader.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = leader.LeaseDuration,
            RenewDeadline = leader.RenewDeadline,
            RetryPeriod = leader.RetryPeriod,
        });
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task work = Task.CompletedTask;
        var wasLeading = false;
        elector.OnStartedLeading += () =>
        {
            wasLeading = true;
            LogLeading(logger, leader.Identity, leader.LeaseNamespace, leader.LeaseName);
            work = LeadAsync(term.Token);
        };
        elector.OnNewLeader += identity => LogNewLeader(logger, identity);
        elector.OnError += ex => LogElectionError(logger, ex);

        var electionFailed = false;
        try
        {
            await elector.RunUntilLeadershipLostAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever ended the election (the API server, the elector itself), this instance competes again after
            // a backoff; it never leads without the Lease.
            LogElectionError(logger, ex);
            electionFailed = true;
        }

        await term.CancelAsync();
        await work;
        if (wasLeading)
        {
            LogStopped(logger, leader.Identity);
            if (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync();
            }
        }

        return electionFailed;
    }

    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(leader.LeaseName, leader.LeaseNamespace, cancellationToken: timeout.Token);
            if (lease.Spec?.HolderIdentity != leader.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = string.Empty;
            lease.Spec.LeaseDurationSeconds = 1;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, leader.LeaseName, leader.LeaseNamespace, cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // Not released: a standby takes over once the Lease expires instead.
            LogElectionError(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads (Lease {LeaseNamespace}/{LeaseName}); starting the controller")]
    private static partial void LogLeading(ILogger logger, string identity, string leaseNamespace, string leaseName);

    [LoggerMessage(Level = LogLevel.Information, Message = "The leader is {Identity}")]
    private static partial void LogNewLeader(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election error")]
    private static partial void LogElectionError(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The controller failed while leading; starting a new one in {DelayMs:F0} ms")]
    private static partial void LogControllerFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading; the controller is stopped")]
    private static partial void LogStopped(ILogger logger, string identity);
}
