using SampleApi.Data;

namespace SampleApi.Caching;

/// <summary>The loads of users in flight in this process, one per id.</summary>
internal sealed class UserFlights : SingleFlight<long, User?>;
