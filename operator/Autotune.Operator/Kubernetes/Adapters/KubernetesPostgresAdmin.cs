using System.Globalization;
using System.Text;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Local;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;
using Npgsql;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// The database over the admin connection string kept in a Secret (read when first needed and again after a
/// connection failure, so a rotated Secret is picked up; never logged, never put in an Event or status). Reading
/// and ALTER SYSTEM are <see cref="NpgsqlPostgresAdmin"/>'s; a restart is a rolling restart of the workload that
/// runs the server (a pod-template annotation <c>autotune.dev/restartedAt</c>), confirmed when SHOW answers again
/// with no restart pending. The Secret is used, and the workload restarted, only while each opts in to
/// <paramref name="apiTuning"/> (<see cref="OptIn"/>): checked whenever the Secret is read and right before a restart.
/// </summary>
public sealed class KubernetesPostgresAdmin(IKubernetes client, string @namespace, string apiTuning, PostgresSpec spec, KubernetesPortOptions options) : IPostgresAdmin, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlPostgresAdmin? _admin;

    /// <inheritdoc />
    public Task<DatabaseState> ReadAsync(CancellationToken cancellationToken) =>
        UseAsync(admin => admin.ReadAsync(cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<DatabaseState> SetMaxConnectionsAsync(int value, CancellationToken cancellationToken) =>
        UseAsync(admin => admin.SetMaxConnectionsAsync(value, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var workload = spec.WorkloadRef ?? throw new SafeFailureException(ConditionReasons.ReconcileFailed, "spec.postgres.workloadRef names no workload to restart");
        await TuningAccess.RequireWorkloadAsync(client, @namespace, workload, apiTuning, cancellationToken);
        var restartedAt = options.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var patch = new V1Patch(
            KubernetesJson.Serialize(new { spec = new { template = new { metadata = new { annotations = new Dictionary<string, string> { [KubernetesNames.RestartedAt] = restartedAt } } } } }),
            V1Patch.PatchType.MergePatch);
        if (workload.Kind == "Deployment")
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(patch, workload.Name, @namespace, cancellationToken: cancellationToken);
        }
        else
        {
            await client.AppsV1.PatchNamespacedStatefulSetAsync(patch, workload.Name, @namespace, cancellationToken: cancellationToken);
        }

        await WaitForRestartAsync(workload, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_admin is { } admin)
        {
            await admin.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>Polls SHOW until the server answers with no restart pending (the new pod runs the new value).</summary>
    private async Task WaitForRestartAsync(WorkloadRef workload, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.DatabaseRestartTimeout);
        string last = "no answer yet";
        try
        {
            while (true)
            {
                try
                {
                    var state = await ReadAsync(deadline.Token);
                    if (!state.PendingRestart)
                    {
                        return;
                    }

                    last = string.Create(CultureInfo.InvariantCulture, $"max_connections {state.MaxConnections}, restart still pending");
                }
                catch (NpgsqlException ex)
                {
                    last = FailureText.Of(ex); // The server is down while its pod restarts.
                }

                await Task.Delay(options.DatabaseRestartPoll, options.Time, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{workload.Kind} {workload.Name} did not come back with the new max_connections within {options.DatabaseRestartTimeout.TotalSeconds:0} s ({last})");
        }
    }

    private async Task<T> UseAsync<T>(Func<NpgsqlPostgresAdmin, Task<T>> action, CancellationToken cancellationToken)
    {
        var admin = await AdminAsync(cancellationToken);
        try
        {
            return await action(admin);
        }
        catch (NpgsqlException)
        {
            // The connection broke (a restart) or the credentials changed: start over from the Secret next time.
            await ForgetAsync(admin);
            throw;
        }
    }

    private async Task<NpgsqlPostgresAdmin> AdminAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_admin is null)
            {
                var reference = spec.AdminSecretRef!;
                try
                {
                    _admin = new NpgsqlPostgresAdmin(await ConnectionStringAsync(cancellationToken), null, options.DatabaseRestartTimeout);
                }
                catch (ArgumentException)
                {
                    // Npgsql's message never quotes the connection string; this one names only where it came from.
                    throw new SafeFailureException(ConditionReasons.ReconcileFailed, $"the connection string in Secret {@namespace}/{reference.Name} key {reference.Key} is not valid");
                }
            }

            return _admin;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ForgetAsync(NpgsqlPostgresAdmin admin)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (ReferenceEquals(_admin, admin))
            {
                _admin = null;
                await admin.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> ConnectionStringAsync(CancellationToken cancellationToken)
    {
        var reference = spec.AdminSecretRef ?? throw new SafeFailureException(ConditionReasons.ReconcileFailed, "spec.postgres.adminSecretRef names no Secret");
        V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(reference.Name, @namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            throw OptIn.NotFound($"Secret {@namespace}/{reference.Name}", "spec.postgres.adminSecretRef");
        }

        OptIn.Require(secret.Metadata, "Secret", @namespace, reference.Name, "spec.postgres.adminSecretRef", apiTuning);

        if (secret.Data?.TryGetValue(reference.Key, out var bytes) == true && bytes.Length > 0)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        if (secret.StringData?.TryGetValue(reference.Key, out var text) == true && text.Length > 0)
        {
            return text;
        }

        throw OptIn.NotFound($"key {reference.Key} of Secret {@namespace}/{reference.Name}", "spec.postgres.adminSecretRef");
    }
}
