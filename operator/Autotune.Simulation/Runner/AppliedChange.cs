using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Runner;

/// <summary>A change a controller made during a run.</summary>
/// <param name="Time">Simulated seconds.</param>
/// <param name="Api">API name.</param>
/// <param name="Knob">The knob.</param>
/// <param name="From">Value before.</param>
/// <param name="To">Value after.</param>
/// <param name="Reason">The controller's reason.</param>
/// <param name="Violation">True when the change left a knob outside its budget or the connection budget more broken than before.</param>
public sealed record AppliedChange(double Time, string Api, Knob Knob, int From, int To, string Reason, bool Violation);
