using System.Globalization;
using System.IO.Compression;
using System.Text;
using Autotune.Contracts;
using Autotune.Testing;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// The agent as NuGet packages: what <c>scripts/pack-agent.sh</c> makes (CI packs before the tests and passes the feed
/// in <c>AUTOTUNE_PACKAGE_FEED</c>; without it the test packs the Release build itself) carries its README, and an
/// app that takes the packages from that feed, offline, builds and is tuned.
/// </summary>
public sealed class AgentPackageTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_packed_agent_has_its_readme_and_an_app_built_from_the_local_feed_is_tuned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var work = new TempDirectory("autotune-package-");
        var (feed, version) = await FeedAsync(work.Path, ct);

        // The package's page: its README, with usage, options, what it changes and its metrics.
        var agentPackage = Path.Combine(feed, $"Autotune.Agent.{version}.nupkg");
        await using (var zip = await ZipFile.OpenReadAsync(agentPackage, ct))
        {
            var nuspec = await ReadAsync(zip, "Autotune.Agent.nuspec", ct);
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            Assert.Contains($"<dependency id=\"Autotune.Contracts\" version=\"{version}\"", nuspec, StringComparison.Ordinal);
            var readme = await ReadAsync(zip, "README.md", ct);
            foreach (var needed in new[] { "## Usage", "## Options", "## What it changes at run time", "## Metrics", "UseAutotuneNpgsql", "ConnectionStringName", MetricNames.AppliedPoolSize.Prometheus })
            {
                Assert.Contains(needed, readme, StringComparison.Ordinal);
            }
        }

        Assert.True(File.Exists(Path.Combine(feed, $"Autotune.Agent.EntityFrameworkCore.{version}.nupkg")));

        // The contract's own page: the tuning file, the environment and every series a scrape shows, by its Prometheus name.
        await using (var zip = await ZipFile.OpenReadAsync(Path.Combine(feed, $"Autotune.Contracts.{version}.nupkg"), ct))
        {
            Assert.Contains("<readme>README.md</readme>", await ReadAsync(zip, "Autotune.Contracts.nuspec", ct), StringComparison.Ordinal);
            var readme = await ReadAsync(zip, "README.md", ct);
            foreach (var needed in MetricNames.All.Append(MetricNames.TuningApplyFailures).Select(m => $"`{m.Prometheus}`")
                .Concat([AgentEnvironment.TuningFile, AgentEnvironment.MetricsPort, AgentEnvironment.ShedAfterMilliseconds, "\"schemaVersion\""]))
            {
                Assert.Contains(needed, readme, StringComparison.Ordinal);
            }
        }

        // An app that references the packages only, restored from the feed and the machine's package cache (no network).
        var app = Path.Combine(work.Path, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "PackageConsumer")))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        var packages = Path.Combine(work.Path, "packages");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="agent" value="{feed}" /></packageSources>
              <fallbackPackageFolders><add key="cache" value="{GlobalPackages()}" /></fallbackPackageFolders>
            </configuration>
            """, ct);
        var output = Path.Combine(work.Path, "out");
        await ProcessRunner.RunAsync(
            "dotnet",
            ["build", Path.Combine(app, "PackageConsumer.csproj"), "-c", "Release", "-nologo", "-o", output,
             $"-p:AutotuneAgentVersion={version}", $"-p:RestorePackagesPath={packages}"],
            cancellationToken: ct);
        // Restored from the feed into this build's own folder: the packages, not the projects.
        Assert.True(Directory.Exists(Path.Combine(packages, "autotune.agent", version)));
        Assert.True(Directory.Exists(Path.Combine(packages, "autotune.agent.entityframeworkcore", version)));

        // Run it with a tuning file: the pool size and minimum threads are applied, and EF Core uses that pool.
        var database = await postgres.CreateDatabaseAsync(ct);
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: 20, DbMaxPoolSize: 7));
        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var log = new StringBuilder();
        using var process = ProcessRunner.Start("dotnet", [Path.Combine(output, "PackageConsumer.dll")], log, environment: new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ConnectionStrings__Postgres"] = database,
            [AgentEnvironment.TuningFile] = tuning.Path,
            [AgentEnvironment.MetricsPort] = metricsPort.ToString(CultureInfo.InvariantCulture),
            [AgentEnvironment.MetricsAddress] = "127.0.0.1",
        });
        try
        {
            await ProcessRunner.WaitForPortAsync(port, Timeout, () => log.ToString(), process, ct);
            using var http = new HttpClient { Timeout = Timeout };
            Assert.Equal("1;7", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/pool"), ct));
            var scrape = Scrape.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"), ct));
            Assert.Equal(1, scrape.Value(MetricNames.AppliedGeneration.Prometheus));
            Assert.Equal(7, scrape.Value(MetricNames.AppliedPoolSize.Prometheus));
            Assert.Equal(20, scrape.Value(MetricNames.AppliedMinThreads.Prometheus));
        }
        finally
        {
            await ProcessRunner.StopAsync(process, TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<(string Feed, string Version)> FeedAsync(string work, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("AUTOTUNE_PACKAGE_FEED") is { Length: > 0 } given)
        {
            var package = Directory.GetFiles(given, "Autotune.Agent.EntityFrameworkCore.*.nupkg").Single();
            return (given, Path.GetFileNameWithoutExtension(package)["Autotune.Agent.EntityFrameworkCore.".Length..]);
        }

        // A version no cache can hold already, so the build can only take it from this feed.
        var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        var feed = Path.Combine(work, "feed");
        await ProcessRunner.RunAsync("bash", [Path.Combine(RepositoryRoot(), "scripts", "pack-agent.sh"), feed, version], cancellationToken: ct);
        return (feed, version);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Autotune.sln not found above " + AppContext.BaseDirectory);
    }

    private static string GlobalPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static async Task<string> ReadAsync(ZipArchive zip, string name, CancellationToken ct)
    {
        using var reader = new StreamReader(await zip.GetEntry(name)!.OpenAsync(ct));
        return await reader.ReadToEndAsync(ct);
    }

    private sealed class TempDirectory(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
