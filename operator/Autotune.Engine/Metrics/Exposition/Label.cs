namespace Autotune.Engine.Metrics.Exposition;

/// <summary>One label of a series: its name and unescaped value.</summary>
public readonly record struct Label(string Name, string Value);
