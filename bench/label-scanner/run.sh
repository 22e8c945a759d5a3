#!/usr/bin/env bash
# LabelBlock.IsValid of an earlier commit (default f77b2a9~1, the two scanners before the shared one) against the
# working tree's, in one process: both versions compiled side by side under two namespaces, each checking every label
# block of bench/engine/captures 200 times per round, 40 rounds alternating after a warm-up. Prints the time per block
# of each and new/old as the median round with its quartiles. Usage: bench/label-scanner/run.sh [commit]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
base=${1:-f77b2a9~1}
file=operator/Autotune.Engine/Metrics/Exposition/LabelBlock.cs
work=$(mktemp -d /tmp/label-scanner.XXXXXX)
trap 'rm -rf "$work"' EXIT
git -C "$root" show "$base:$file" | sed 's/^namespace Autotune.Engine.Metrics.Exposition;/namespace OldLb;/' >"$work/Old.cs"
sed 's/^namespace Autotune.Engine.Metrics.Exposition;/namespace NewLb;/' "$root/$file" >"$work/New.cs"
# What LabelBlock.Read needs of the engine, for both copies to compile; IsValid uses neither.
for ns in OldLb NewLb; do
  echo "namespace $ns { internal sealed record Label(string Name, string Value); internal sealed class SeriesTable { public string Intern(ReadOnlySpan<char> s) => s.ToString(); } }"
done >"$work/Stubs.cs"
cat >"$work/Program.cs" <<'CS'
using System.Diagnostics;
var blocks = Directory.GetFiles(args[0], "*.prom").SelectMany(File.ReadLines)
    .Where(l => l.Length > 0 && l[0] != '#' && l.Contains('{'))
    .Select(l => { var open = l.IndexOf('{'); return l[open..NewLb.LabelBlock.FindEnd(l, open)]; }).ToArray();
var agree = blocks.All(b => OldLb.LabelBlock.IsValid(b) == NewLb.LabelBlock.IsValid(b));
int Old() { var n = 0; foreach (var b in blocks) { n += OldLb.LabelBlock.IsValid(b) ? 1 : 0; } return n; }
int New() { var n = 0; foreach (var b in blocks) { n += NewLb.LabelBlock.IsValid(b) ? 1 : 0; } return n; }
for (var w = 0; w < 2000; w++) { Old(); New(); }
List<double> oldMs = [], newMs = [];
for (var round = 0; round < 40; round++)
{
    var clock = Stopwatch.StartNew();
    for (var k = 0; k < 200; k++) { Old(); }
    oldMs.Add(clock.Elapsed.TotalMilliseconds);
    clock.Restart();
    for (var k = 0; k < 200; k++) { New(); }
    newMs.Add(clock.Elapsed.TotalMilliseconds);
}
double Median(IEnumerable<double> x) { var s = x.Order().ToList(); return s[s.Count / 2]; }
double PerBlockNs(List<double> ms) => Median(ms) / 200 / blocks.Length * 1e6;
var ratios = oldMs.Zip(newMs, (o, n) => n / o).Order().ToList();
Console.WriteLine($"{blocks.Length} label blocks, same answer for every one: {agree}");
Console.WriteLine($"per block: old {PerBlockNs(oldMs):0} ns, new {PerBlockNs(newMs):0} ns; new/old {ratios[20]:0.00} (quartiles {ratios[10]:0.00}-{ratios[30]:0.00})");
return agree ? 0 : 1;
CS
cat >"$work/LabelScanner.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
</Project>
XML
echo "LabelBlock.IsValid: $base against the working tree; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
dotnet run -c Release --project "$work/LabelScanner.csproj" -- "$root/bench/engine/captures"
