using Microsoft.EntityFrameworkCore;

namespace Autotune.EfBench;

/// <summary>The EF Core context over the benchmark's <c>users</c> table.</summary>
internal sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<User>(user =>
    {
        user.ToTable("users");
        user.Property(u => u.Id).HasColumnName("id");
        user.Property(u => u.Name).HasColumnName("name");
        user.Property(u => u.Email).HasColumnName("email");
    });
}

/// <summary>A row of <c>users</c>, and the endpoints' answer.</summary>
internal sealed class User
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";
}
