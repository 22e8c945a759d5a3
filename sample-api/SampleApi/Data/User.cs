namespace SampleApi.Data;

/// <summary>A user row. <paramref name="Version"/> grows with every update; caches never replace a newer version with an older one.</summary>
public sealed record User(long Id, string Name, string Email, long Version);

/// <summary>The body of POST /users and PUT /users/{id}, and one line of POST /users/batch.</summary>
public sealed record UserInput(string? Name, string? Email);

/// <summary>One page of GET /users; <paramref name="Next"/> is the <c>after</c> of the next page, or null at the end.</summary>
public sealed record UserPage(IReadOnlyList<User> Items, long? Next);

/// <summary>One row of GET /reports/top-domains.</summary>
public sealed record DomainCount(string Domain, long Users);

/// <summary>The answer of POST /users/batch.</summary>
public sealed record BatchResult(long Inserted);
