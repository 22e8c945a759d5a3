namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// What the engine remembers between windows for one ApiTuning (kept in status, so a restarted operator resumes):
/// recent decisions, the change awaiting confirmation, barred moves and how long the service has been comfortable.
/// </summary>
public sealed record TuningState
{
    /// <summary>The state of an ApiTuning nothing has been decided for yet.</summary>
    public static TuningState Empty { get; } = new();

    /// <summary>Most recent decisions that did or advised something, newest first, bounded.</summary>
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];

    /// <summary>The change awaiting confirmation and judgement; while set, nothing new is changed.</summary>
    public PendingChange? Pending { get; init; }

    /// <summary>Moves that backfired and are barred for a while.</summary>
    public IReadOnlyList<BarredMove> Barred { get; init; } = [];

    /// <summary>Start of the run of windows comfortably under the objective (see <see cref="ComfortWindows"/>); null when there is none.</summary>
    public DateTimeOffset? ComfortableSince { get; init; }

    /// <summary>
    /// Whether each window of the run since <see cref="ComfortableSince"/> was comfortable, newest first, bounded: the
    /// run survives a window within the objective that is not comfortable while most recent windows were (see
    /// <see cref="Policy.ComfortRun"/>). Not kept in status, like the run's start.
    /// </summary>
    public IReadOnlyList<bool> ComfortWindows { get; init; } = [];

    /// <summary>
    /// The last decision reported (kind/reason/knob/to), so recommendations and refusals are told once each, not
    /// every window. Not kept in status: a restarted operator, or a new spec generation, tells them once more.
    /// </summary>
    public string? LastReported { get; init; }

    /// <summary>
    /// The best the API has shown uncontended, what demand is sized with. Kept in status (<c>learned.baseline</c>), so
    /// a restarted operator sizes from it at once.
    /// </summary>
    public ServiceBaseline? Baseline { get; init; }

    /// <summary>What judged moves taught about each knob's knee (minimum threads, pool), kept in status (<c>learned.knees</c>).</summary>
    public IReadOnlyList<KnobKnee> Knees { get; init; } = [];

    /// <summary>
    /// The most pooled connections in use per pod in each of the last windows, newest first, bounded (see
    /// <see cref="Policy.GiveBackPolicy.IdleWindows"/>): what an idle pool is lowered toward. A window that does not
    /// report its pool clears it. Not kept in status: a restarted operator watches the windows again before it lowers
    /// a pool.
    /// </summary>
    public IReadOnlyList<double> PoolPeaks { get; init; } = [];
}
