using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using SampleApi.Errors;
using SampleApi.Json;
using SampleApi.Middleware;

namespace SampleApi.Hosting;

/// <summary>Registers everything the sample API needs.</summary>
public static class SampleApiServices
{
    /// <summary>Binds the settings and registers data, caches, rate limiting, errors and compression.</summary>
    public static WebApplicationBuilder AddSampleApi(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SampleApiOptions.Section).Get<SampleApiOptions>() ?? new SampleApiOptions();
        builder.Services.Configure<SampleApiOptions>(builder.Configuration.GetSection(SampleApiOptions.Section));

        // The middleware enforces the per-request limit; Kestrel's global one must not be lower than the batch's.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxBatchBodyBytes, options.MaxRequestBodyBytes));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ExceptionProblems>();
        builder.Services.AddSampleRateLimiting();
        builder.Services.AddResponseCompression(compression =>
        {
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

        builder.AddUserData(options);
        builder.AddUserCaching(options);
        return builder;
    }
}
