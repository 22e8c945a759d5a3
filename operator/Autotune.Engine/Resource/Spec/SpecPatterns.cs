namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// Regular expressions the CRD schema states as <c>pattern</c>, shared by the model's attributes so that the
/// schema, the model and the validator say the same thing.
/// </summary>
public static class SpecPatterns
{
    /// <summary>A duration in whole hours, minutes and seconds, Go style: "60s", "2m", "1h30m".</summary>
    public const string Duration = "^([0-9]{1,6}(h|m|s))+$";

    /// <summary>A time of day, "HH:mm", 24-hour.</summary>
    public const string TimeOfDay = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

    /// <summary>A Kubernetes object name (DNS-1123 subdomain).</summary>
    public const string ObjectName = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A key in a Secret or ConfigMap.</summary>
    public const string SecretKey = "^[-._a-zA-Z0-9]+$";

    /// <summary>An HTTP path.</summary>
    public const string UrlPath = "^/[^\\s]*$";

    /// <summary>An absolute http or https URL.</summary>
    public const string HttpUrl = "^https?://[^\\s/]+[^\\s]*$";

    /// <summary>An environment variable name.</summary>
    public const string EnvVarName = "^[A-Za-z_][A-Za-z0-9_]*$";

    /// <summary>A connection pooler's name (PgBouncer, Pgpool-II, rds-proxy).</summary>
    public const string PoolerName = "^[A-Za-z][-._A-Za-z0-9]*$";

    /// <summary>A condition type (metav1.Condition).</summary>
    public const string ConditionType =
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

    /// <summary>A CamelCase reason (metav1.Condition, Events).</summary>
    public const string Reason = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    /// <summary>What <see cref="ObjectName"/> means, for messages.</summary>
    public const string ObjectNameHint =
        "a Kubernetes object name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";

    /// <summary>What <see cref="Duration"/> means, for messages.</summary>
    public const string DurationHint = "a duration in h, m and s such as 60s, 2m or 1h30m";
}
