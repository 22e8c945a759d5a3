using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>
/// Checks a DatabaseBudget spec and returns every problem at once, each naming its field and what to fix: the
/// schema's field rules (read from the model's attributes) and the rules crds/databasebudget.yaml states in CEL
/// (each API listed once, minConnections at most maxConnections). Pure.
/// </summary>
public static class DatabaseBudgetValidator
{
    /// <summary>The APIs list.</summary>
    public const string Apis = "spec.apis";

    /// <summary>Validates a spec; an empty list means it is valid.</summary>
    public static IReadOnlyList<ValidationProblem> Validate(DatabaseBudgetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new ProblemList();
        BoundsRules.Check(spec, SpecPaths.Spec, problems);
        var apis = spec.Apis ?? [];
        var repeated = apis.Where(a => a?.Name is not null).GroupBy(a => a.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        if (repeated.Count > 0)
        {
            problems.Add(Apis, $"lists {string.Join(", ", repeated)} more than once; list each ApiTuning once");
        }

        for (var i = 0; i < apis.Count; i++)
        {
            if (apis[i] is { MinConnections: { } min, MaxConnections: { } max } api && min > max)
            {
                problems.Add($"{Apis}[{i}].minConnections", $"{min} is more than maxConnections {max} for {api.Name}; lower minConnections or raise maxConnections");
            }
        }

        return [.. problems.All.OrderBy(p => p.Field, StringComparer.Ordinal)];
    }
}
