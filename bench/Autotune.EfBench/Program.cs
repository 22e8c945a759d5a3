using Autotune.Agent;
using Autotune.Agent.EntityFrameworkCore;
using Autotune.EfBench;

// One primary-key read of `users`, answered as the same JSON by four data paths over the agent's one tuned pool.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.AddAutotuneAgent();
builder.Services.AddDbContextPool<BenchContext>((sp, options) => options.UseAutotuneNpgsql(sp));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJson.Default));

var app = builder.Build();
app.MapUserReads();
await app.RunAsync();
