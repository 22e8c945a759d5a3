var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => TypedResults.Ok("alive"));
app.Run();
