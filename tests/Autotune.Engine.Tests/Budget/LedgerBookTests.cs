using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Xunit;

namespace Autotune.Engine.Tests.Budget;

public sealed class LedgerBookTests
{
    private static readonly DatabaseState Server = new("10.0.0.5:5432", MaxConnections: 100, SuperuserReserved: 3, Connections: 20, PendingRestart: false, PendingMaxConnections: null);

    [Fact]
    public void Each_api_sees_what_the_others_on_its_server_hold_but_not_itself()
    {
        var book = new LedgerBook();
        book.Record(Server.Server, new LedgerEntry { ApiId = "shop/orders", Replicas = 3, PoolSize = 10 });
        book.Record(Server.Server, new LedgerEntry { ApiId = "shop/carts", Replicas = 2, PoolSize = 5 });
        book.Record("10.0.0.6:5432", new LedgerEntry { ApiId = "other/api", Replicas = 9, PoolSize = 9 });

        var ledger = TuningPass.Ledger(Server, book.View(Server.Server, "shop/orders"), 10);

        var other = Assert.Single(ledger.Entries);
        Assert.Equal("shop/carts", other.ApiId);
        Assert.Equal(100 - 3 - 2 - 10, ledger.Capacity); // an admin connection for each of the two ApiTunings on it
        Assert.Equal(ledger.Capacity - 10, ledger.Free);
    }

    [Fact]
    public void A_member_that_joined_is_awaited_by_the_others_until_it_records_what_it_holds()
    {
        var book = new LedgerBook();
        book.Join(Server.Server, "shop/orders");
        book.Join(Server.Server, "shop/carts");

        Assert.Equal(["shop/carts"], book.Awaited(Server.Server, "shop/orders"));
        Assert.Equal(100 - 3 - 2, TuningPass.Ledger(Server, book.View(Server.Server, "shop/orders"), 0).Capacity);

        book.Record(Server.Server, new LedgerEntry { ApiId = "shop/carts", Replicas = 2, PoolSize = 5 });
        Assert.Empty(book.Awaited(Server.Server, "shop/orders"));
        Assert.Equal(["shop/orders"], book.Awaited(Server.Server, "shop/carts"));

        book.Settle(Server.Server, "shop/orders");
        Assert.Empty(book.Awaited(Server.Server, "shop/carts"));
        book.Join(Server.Server, "shop/carts");
        Assert.Empty(book.Awaited(Server.Server, "shop/orders"));
    }

    [Fact]
    public void Behind_a_pooler_the_pools_share_its_client_limit_and_no_restart_of_the_server_is_awaited()
    {
        var book = new LedgerBook();
        book.Record(Server.Server, new LedgerEntry { ApiId = "shop/carts", Replicas = 2, PoolSize = 5 });
        var pending = Server with { PendingRestart = true, PendingMaxConnections = 60 };

        var direct = TuningPass.Ledger(pending, book.View(Server.Server, "shop/orders"), 10);
        var pooled = TuningPass.Ledger(pending, book.View(Server.Server, "shop/orders"), 10, new PoolerSpec { Name = "PgBouncer", MaxClientConnections = 500 });

        Assert.Equal(60 - 3 - 2 - 10, direct.Capacity); // the pending restart lowers max_connections to 60
        Assert.Equal(500 - 2 - 10, pooled.Capacity); // the pooler's clients take no superuser slot, and nothing is pending
        Assert.Null(pooled.PendingMaxConnections);
        Assert.Equal(pooled.Capacity - 10, pooled.Free);
    }

    [Fact]
    public void A_forgotten_api_no_longer_spends_the_server()
    {
        var book = new LedgerBook();
        book.Record(Server.Server, new LedgerEntry { ApiId = "shop/carts", Replicas = 2, PoolSize = 5 });

        book.Forget("shop/carts");

        Assert.Empty(TuningPass.Ledger(Server, book.View(Server.Server, "shop/orders"), 0).Entries);
    }
}
