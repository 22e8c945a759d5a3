using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.KubeApi;
using Autotune.KubeApi.Store;
using Autotune.Operator.Kubernetes;
using k8s;

namespace Autotune.OperatorBench;

/// <summary>
/// Records, as the API server stores them, every change the operator instances make to
/// tuning ConfigMaps and Deployments, and every status and Event of the ApiTunings whose pods ask for changes, each
/// with the user whose request made it; feeds each tuning file to the pods (<see cref="StarvingPods.Delivered"/>), and
/// audits the changes (<see cref="Audit"/>).
/// </summary>
public sealed class ChangeRecorder : IDisposable
{
    private const string Suffix = "-autotune";
    private readonly KubeApiServer _server;
    private readonly StarvingPods _pods;
    private readonly HashSet<string> _operators;
    private readonly ConcurrentQueue<Write> _writes = new();
    private readonly ConcurrentQueue<(string Key, string? User, DateTimeOffset Time, JsonObject Status)> _statuses = new();
    private readonly ConcurrentQueue<(string Key, string Type, string Reason, string Note)> _events = new();

    /// <summary>Starts recording the changes of <paramref name="server"/>'s store made by the users <paramref name="operators"/>.</summary>
    public ChangeRecorder(KubeApiServer server, StarvingPods pods, params string[] operators)
    {
        _server = server ?? throw new ArgumentNullException(nameof(server));
        _pods = pods ?? throw new ArgumentNullException(nameof(pods));
        _operators = [.. operators];
        server.Store.ObjectChanged += OnChanged;
    }

    /// <summary>Writes (creates and changes) of tuning ConfigMaps and Deployments by an operator instance, for ApiTunings that ask for no change, between two instants.</summary>
    public IReadOnlyDictionary<string, int> QuietWrites(DateTimeOffset from, DateTimeOffset to) =>
        _writes.Where(w => !_pods.Contains(w.Key) && w.Time >= from && w.Time <= to)
            .GroupBy(w => $"{w.Kind} {w.Key}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>
    /// Raised, inside the request that made it, when a tuning ConfigMap of an ApiTuning asking for changes is written
    /// by an operator instance: before the pass that wrote it goes on.
    /// </summary>
    public event Action? ConfigMapWritten;

    /// <summary>Tuning ConfigMap writes of the ApiTunings that ask for changes so far.</summary>
    public int ChangeWrites => _writes.Count(w => w.Kind == "configmap" && _pods.Contains(w.Key));

    /// <summary>Tuning ConfigMap writes of the ApiTunings that ask for changes made by <paramref name="user"/>.</summary>
    public int WritesBy(string user) => _writes.Count(w => w.Kind == "configmap" && _pods.Contains(w.Key) && w.User == user);

    /// <summary>ApiTunings asking for changes whose status <paramref name="user"/> wrote since <paramref name="since"/>.</summary>
    public int StatusWritersSince(DateTimeOffset since, string user) =>
        _statuses.Where(s => s.User == user && s.Time >= since).Select(s => s.Key).Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// The demand met: the pods stop asking for changes, and once status, the ConfigMaps and the pods agree (or
    /// <paramref name="limit"/> has passed) every change is audited.
    /// </summary>
    public async Task<ChangeAudit> SettleAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        _pods.Starving = false;
        var settling = System.Diagnostics.Stopwatch.StartNew();
        while (Disagreeing().Count > 0 && settling.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return Audit(settling.Elapsed);
    }

    /// <summary>
    /// The ApiTunings asking for changes whose minimum threads disagree now: status current (or a change still in
    /// flight) against the tuning ConfigMap against what the pods report applied.
    /// </summary>
    public IReadOnlyList<string> Disagreeing()
    {
        var tunings = _server.Catalog.Find(ApiTuningResource.Group, ApiTuningResource.Version, ApiTuningResource.Plural)!;
        var configMaps = _server.Catalog.Find(string.Empty, "v1", "configmaps")!;
        var disagreeing = new List<string>();
        foreach (var key in _pods.Keys.Order(StringComparer.Ordinal))
        {
            var (ns, name) = Split(key);
            var status = _server.Store.TryGet(tunings, ns, name)?["status"] is JsonObject s ? KubernetesJson.Deserialize<ApiTuningStatus>(s.ToJsonString()) : null;
            var inFlight = status?.Conditions.Any(c => c.Type == ConditionTypes.Tuning && c.Status == ConditionStatus.True) == true;
            var delivered = ThreadsOf(_server.Store.TryGet(configMaps, ns, name + Suffix));
            var configMap = delivered ?? StarvingPods.InitialMinThreads;
            var pods = _pods.Applied(key).MinThreads;
            var inStatus = status?.Current?.ThreadPoolMinThreads;
            if (inFlight || inStatus != configMap || pods != configMap)
            {
                disagreeing.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: status {inStatus?.ToString(CultureInfo.InvariantCulture) ?? "none"}{(inFlight ? " (a change in flight)" : string.Empty)}, ConfigMap {configMap}, pods {pods}"));
            }
        }

        return disagreeing;
    }

    /// <summary>Audits every change recorded so far against the decisions, and the end state (<see cref="Disagreeing"/>).</summary>
    public ChangeAudit Audit(TimeSpan settled)
    {
        var decisionsWithoutWrite = new List<string>();
        var writesWithoutDecision = new List<string>();
        var eventsWithoutStatus = new List<string>();
        var generationsTwice = new List<string>();
        var rewrites = new List<string>();
        var repeated = new List<string>();
        var decisions = 0;
        var resumed = 0;
        var decisionEvents = 0;
        var most = 0;
        var highest = StarvingPods.InitialMinThreads;
        var statuses = _statuses.ToLookup(s => s.Key, s => s.Status, StringComparer.Ordinal);
        var events = _events.ToLookup(e => e.Key, StringComparer.Ordinal);
        var patches = _server.Requests.Records.Where(r => r.Status < 300 && r.Verb == "patch" && r.Path.Contains("/configmaps/", StringComparison.Ordinal))
            .GroupBy(r => r.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var writes = _writes.Where(w => w.Kind == "configmap" && _pods.Contains(w.Key)).ToList();
        foreach (var key in _pods.Keys.Order(StringComparer.Ordinal))
        {
            var versions = writes.Where(w => w.Key == key).OrderBy(w => w.ResourceVersion).ToList();
            most = Math.Max(most, versions.Count);

            // The moves the ConfigMap made, from the pods' own minimum before the first file.
            var moves = new List<(int From, int To, string What)>();
            var before = StarvingPods.InitialMinThreads;
            foreach (var v in versions)
            {
                var threads = v.File?.ThreadPoolMinThreads ?? before;
                var what = string.Create(CultureInfo.InvariantCulture, $"{key} generation {v.File?.Generation.ToString(CultureInfo.InvariantCulture) ?? "unreadable"} {before} -> {threads} by {v.User}");
                if (threads == before)
                {
                    repeated.Add(what);
                }
                else
                {
                    moves.Add((before, threads, what));
                }

                highest = Math.Max(highest, threads);
                before = threads;
            }

            generationsTwice.AddRange(versions.Where(v => v.File is not null).GroupBy(v => v.File!.Generation).Where(g => g.Select(v => v.Text).Distinct(StringComparer.Ordinal).Count() > 1)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{key} generation {g.Key} by {string.Join(", ", g.Select(v => v.User))}")));

            var (ns, name) = Split(key);
            var modified = versions.Count(v => v.Type == "MODIFIED");
            if (patches.GetValueOrDefault($"/api/v1/namespaces/{ns}/configmaps/{name}{Suffix}") is var patched && patched > modified)
            {
                rewrites.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {patched} patches answered 2xx, {modified} changed it"));
            }

            // Every minimum-threads decision any version of status recorded, once each.
            var recorded = statuses[key]
                .SelectMany(s => KubernetesJson.Deserialize<ApiTuningStatus>(s.ToJsonString()) is { } st ? st.History.Prepend(st.LastDecision) : [])
                .OfType<DecisionRecord>()
                .Where(d => d is { Knob: Knob.ThreadPoolMinThreads, From: { } f, To: { } t } && f != t && d.Kind is DecisionKind.Change or DecisionKind.Rollback)
                .DistinctBy(d => (d.Time, d.Kind, d.From, d.To, d.Reason))
                .OrderBy(d => d.Time)
                .ToList();
            decisions += recorded.Count;
            resumed += recorded.Count(d => d.Reason == DecisionReasons.ResumedChange);
            var unmatched = moves.ToList();
            foreach (var d in recorded)
            {
                var i = unmatched.FindIndex(m => m.From == d.From && m.To == d.To);
                if (i >= 0)
                {
                    unmatched.RemoveAt(i);
                }
                else
                {
                    decisionsWithoutWrite.Add(string.Create(CultureInfo.InvariantCulture, $"{key} {d.Kind} {d.From} -> {d.To} ({d.Reason}) at {d.Time:HH:mm:ss}"));
                }
            }

            writesWithoutDecision.AddRange(unmatched.Select(m => m.What));

            // Every Event of a change or rollback tells a decision that status recorded.
            var reasons = recorded.Select(d => d.Reason).Append(DecisionReasons.RaiseMinThreads).Append(DecisionReasons.ResumedChange).ToHashSet(StringComparer.Ordinal);
            foreach (var e in events[key].Where(e => reasons.Contains(e.Reason)).DistinctBy(e => (e.Reason, e.Note)))
            {
                decisionEvents++;
                if (!recorded.Any(d => d.Reason == e.Reason && d.Message == e.Note))
                {
                    eventsWithoutStatus.Add($"{key} {e.Reason}: {e.Note}");
                }
            }
        }

        return new ChangeAudit
        {
            Targets = _pods.Keys.Count,
            Writes = writes.GroupBy(w => w.User, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            Decisions = decisions,
            Resumed = resumed,
            DecisionEvents = decisionEvents,
            DecisionsWithoutWrite = decisionsWithoutWrite,
            WritesWithoutDecision = writesWithoutDecision,
            EventsWithoutStatus = eventsWithoutStatus,
            GenerationsWrittenTwice = generationsTwice,
            Rewrites = rewrites,
            RepeatedMoves = repeated,
            Disagreeing = Disagreeing(),
            Settled = settled,
            MostWritesOfOne = most,
            HighestMinThreads = highest,
        };
    }

    /// <inheritdoc />
    public void Dispose() => _server.Store.ObjectChanged -= OnChanged;

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    private static int? ThreadsOf(JsonObject? configMap) => FileOf(configMap).File?.ThreadPoolMinThreads;

    private static (TuningFile? File, string? Text) FileOf(JsonObject? configMap)
    {
        var text = (string?)configMap?["data"]?[KubernetesNames.TuningKey];
        return (text is not null && TuningFile.TryParse(text, out var file, out _) ? file : null, text);
    }

    /// <summary>Runs inside the request that made the change: quick, and never throws.</summary>
    private void OnChanged(StoreChange change)
    {
        var plural = change.Resource.Plural;
        var key = $"{change.Namespace}/{change.Name}";
        switch (change.Resource.Group, plural)
        {
            case ("", "configmaps") when change.Name.EndsWith(Suffix, StringComparison.Ordinal):
                key = key[..^Suffix.Length];
                var (file, text) = change.Type == "DELETED" ? ((TuningFile?)null, (string?)null) : FileOf(change.Object);
                _pods.Delivered(key, file);
                if (change.Type != "DELETED" && change.User is { } user && _operators.Contains(user))
                {
                    _writes.Enqueue(new Write("configmap", key, user, change.ResourceVersion, DateTimeOffset.UtcNow, change.Type, file, text ?? string.Empty));
                    if (_pods.Contains(key))
                    {
                        ConfigMapWritten?.Invoke();
                    }
                }

                break;
            case ("apps", "deployments") when change.Type != "DELETED" && change.User is { } writer && _operators.Contains(writer):
                _writes.Enqueue(new Write("deployment", key, writer, change.ResourceVersion, DateTimeOffset.UtcNow, change.Type, null, string.Empty));
                break;
            case (ApiTuningResource.Group, ApiTuningResource.Plural) when _pods.Contains(key) && change.Object["status"] is JsonObject status:
                _statuses.Enqueue((key, change.User, DateTimeOffset.UtcNow, status));
                break;
            case ("" or "events.k8s.io", "events"):
                OnEvent(change);
                break;
            default:
                break;
        }
    }

    private void OnEvent(StoreChange change)
    {
        // Stored as core v1 Events (involvedObject, message), whichever API wrote them.
        var regarding = (string?)(change.Object["regarding"] ?? change.Object["involvedObject"])?["name"];
        var about = change.Namespace + "/" + regarding;
        if (regarding is not null && _pods.Contains(about))
        {
            _events.Enqueue((about, (string?)change.Object["type"] ?? string.Empty, (string?)change.Object["reason"] ?? string.Empty, (string?)(change.Object["note"] ?? change.Object["message"]) ?? string.Empty));
        }
    }

    private sealed record Write(string Kind, string Key, string User, long ResourceVersion, DateTimeOffset Time, string Type, TuningFile? File, string Text);
}
