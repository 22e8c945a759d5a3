namespace Autotune.Engine.Resource.Validation;

/// <summary>Collects problems while the rules run, so that every one is reported at once.</summary>
internal sealed class ProblemList
{
    private readonly List<ValidationProblem> _problems = [];

    /// <summary>The problems so far.</summary>
    public IReadOnlyList<ValidationProblem> All => _problems;

    /// <summary>Records a problem with a field.</summary>
    public void Add(string field, string message) => _problems.Add(new ValidationProblem(field, message));

    /// <summary>True when a problem with this field (or one inside it) is recorded already.</summary>
    public bool Has(string field) =>
        _problems.Exists(p => p.Field == field || p.Field.StartsWith(field + ".", StringComparison.Ordinal));
}
