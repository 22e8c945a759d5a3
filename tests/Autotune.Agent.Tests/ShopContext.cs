using Microsoft.EntityFrameworkCore;

namespace Autotune.Agent.Tests;

/// <summary>The EF Core app's context over <see cref="ItemsDatabase"/>.</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Item>(item =>
    {
        item.ToTable("items");
        item.Property(i => i.Id).HasColumnName("id");
        item.Property(i => i.Name).HasColumnName("name");
    });
}

/// <summary>A row of <c>items</c>.</summary>
public sealed class Item
{
    public int Id { get; set; }

    public string Name { get; set; } = "";
}
