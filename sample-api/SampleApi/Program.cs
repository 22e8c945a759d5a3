using SampleApi.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddSampleApi();

var app = builder.Build();
app.UseSampleApi();
app.MapSampleApi();
await app.RunAsync();

/// <summary>The entry point (public so tests can find the assembly).</summary>
public partial class Program;
