using System.Runtime.CompilerServices;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

/// <summary>
/// Runs a property over generated cases and fails unless at least a floor of them were checked. A property that
/// drops cases outside its premise (a broken start, no plan, a knob not in the spec) would otherwise keep passing
/// after a generator change left it checking almost nothing.
/// </summary>
internal static class CheckedSample
{
    /// <summary>
    /// Samples <paramref name="gen"/> <paramref name="iter"/> times; <paramref name="check"/> asserts the property for
    /// one case and returns false when the case is outside it (dropped). Fails when fewer than
    /// <paramref name="minChecked"/> cases were checked.
    /// </summary>
    public static void Run<T>(Gen<T> gen, long iter, long minChecked, Func<T, bool> check, [CallerMemberName] string property = "")
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(check);
        long seen = 0, checkedCases = 0;
        gen.Sample(t =>
        {
            Interlocked.Increment(ref seen);
            if (check(t))
            {
                Interlocked.Increment(ref checkedCases);
            }
        }, iter: iter);
        AssertFloor(property, Interlocked.Read(ref seen), Interlocked.Read(ref checkedCases), minChecked);
    }

    /// <summary>Fails unless <paramref name="checkedCases"/> reaches <paramref name="minChecked"/>; reports the counts either way.</summary>
    public static void AssertFloor(string property, long seen, long checkedCases, long minChecked)
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"{property}: {checkedCases} of {seen} cases checked (floor {minChecked})");
        if (checkedCases < minChecked)
        {
            Assert.Fail($"{property}: only {checkedCases} of {seen} generated cases were checked, below the floor of {minChecked}: the generator no longer reaches what the property is about");
        }
    }
}
