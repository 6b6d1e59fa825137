using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Providers.Faults;
using Orchestrator.Providers.Storage;
using Orleans.Serialization;

namespace Orchestrator.Providers.Tests.Faults;

/// <summary>The few words an API answer gives for storage that is unavailable, and that they cross silos.</summary>
public sealed class StorageFailureReasonTests
{
    [Theory]
    [InlineData(13, "the database or its disk is full")]
    [InlineData(8, "the database is read-only")]
    [InlineData(5, "the database is busy")]
    [InlineData(10 | (4 << 8), "the database file cannot be read or written")]
    public void ASqliteFailure_IsNamed_ThroughTheWrappersAndTheSiloBoundary(int code, string reason)
    {
        var sqlite = new SqliteException("SQLite Error: the driver's own words, with a path", code);

        Assert.Equal(reason, StorageFailures.Reason(new InvalidOperationException("wrapped", sqlite)));
        var unavailable = StorageFailures.AsUnavailable(sqlite, "writing state of a grain");
        Assert.Equal(reason, unavailable!.Reason);
        Assert.Equal(reason, StorageFailures.Reason(RoundTrip(unavailable)));
    }

    [Fact]
    public void OtherFailures_HaveNoReason_AndInjectedOnesSaySo()
    {
        Assert.Null(StorageFailures.Reason(new InvalidOperationException("a bug")));
        Assert.Null(StorageFailures.Reason(new SqliteException("constraint failed", 19)));
        Assert.Equal("an injected storage fault", StorageFailures.Reason(new InjectedStorageFaultException("writing", committed: false)));
    }

    private static Exception RoundTrip(Exception exception)
    {
        using var services = new ServiceCollection().AddSerializer(serializer => serializer.AddAssembly(typeof(StorageUnavailableException).Assembly)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer<Exception>>();
        return serializer.Deserialize(serializer.SerializeToArray(exception))!;
    }
}
