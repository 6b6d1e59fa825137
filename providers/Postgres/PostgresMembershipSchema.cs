namespace Orchestrator.Providers.Postgres;

/// <summary>Schema version 2: the membership tables of <c>Microsoft.Orleans.Clustering.AdoNet</c> and the query texts it
/// reads from <c>OrleansQuery</c> at start, written for this project against the provider's contract (its query keys,
/// parameters and result columns), not taken from Orleans' scripts.</summary>
/// <remarks>
/// <para>Orleans keeps one version number per cluster and passes the version it last read with every membership change;
/// the change applies only while that is still the version, and bumps it in the same statement (the row lock on the
/// version row orders concurrent changes, so of two silos changing the table from one version only the first wins).
/// An insert of a member that exists, or an update of one that does not, changes nothing, the version included.
/// Heartbeats (<c>UpdateIAmAlivetimeKey</c>) and the removal of long-dead members leave the version alone.</para>
/// <para>Orleans binds parameters by name (<c>@DeploymentId</c> is the cluster id) and reads result columns by name,
/// case-insensitively; times are UTC and stored as <c>timestamptz</c>, so the server's time zone never shifts them.
/// Silo status 3 is Active and 6 is Dead.</para>
/// </remarks>
internal static class PostgresMembershipSchema
{
    public const string Version2 = """
        CREATE TABLE cluster_versions (
            cluster_id text COLLATE "C" PRIMARY KEY,
            version integer NOT NULL);

        CREATE TABLE cluster_members (
            cluster_id text COLLATE "C" NOT NULL,
            address text COLLATE "C" NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL,
            suspect_times text,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (cluster_id, address, port, generation));

        -- Read by Orleans as "SELECT QueryKey, QueryText FROM OrleansQuery": unquoted, so lower case here.
        CREATE TABLE orleansquery (
            querykey text COLLATE "C" PRIMARY KEY,
            querytext text NOT NULL);

        INSERT INTO orleansquery (querykey, querytext) VALUES
        ('InsertMembershipVersionKey', $sql$
            WITH created AS (
                INSERT INTO cluster_versions (cluster_id, version) VALUES (@DeploymentId, 0)
                ON CONFLICT (cluster_id) DO NOTHING
                RETURNING 1)
            SELECT count(*) > 0 FROM created
        $sql$),
        ('MembershipReadAllKey', $sql$
            SELECT v.version AS "Version",
                   m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
                   m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
                   m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM cluster_versions v
            LEFT JOIN cluster_members m ON m.cluster_id = v.cluster_id
            WHERE v.cluster_id = @DeploymentId
        $sql$),
        ('MembershipReadRowKey', $sql$
            SELECT v.version AS "Version",
                   m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
                   m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
                   m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
                   m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
            FROM cluster_versions v
            LEFT JOIN cluster_members m ON m.cluster_id = v.cluster_id
                AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
            WHERE v.cluster_id = @DeploymentId
        $sql$),
        ('InsertMembershipKey', $sql$
            WITH bumped AS (
                UPDATE cluster_versions SET version = version + 1
                WHERE cluster_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (
                      SELECT 1 FROM cluster_members
                      WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING cluster_id),
            inserted AS (
                INSERT INTO cluster_members (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                             start_time, i_am_alive_time)
                SELECT cluster_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
                       @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1)
            SELECT count(*) > 0 FROM inserted
        $sql$),
        ('UpdateMembershipKey', $sql$
            WITH bumped AS (
                UPDATE cluster_versions SET version = version + 1
                WHERE cluster_id = @DeploymentId AND version = @Version
                  AND EXISTS (
                      SELECT 1 FROM cluster_members
                      WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
                RETURNING cluster_id),
            changed AS (
                UPDATE cluster_members m
                SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM bumped
                WHERE m.cluster_id = bumped.cluster_id
                  AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
                RETURNING 1)
            SELECT count(*) > 0 FROM changed
        $sql$),
        ('UpdateIAmAlivetimeKey', $sql$
            UPDATE cluster_members SET i_am_alive_time = @IAmAliveTime
            WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
        $sql$),
        ('GatewaysQueryKey', $sql$
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM cluster_members
            WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
        $sql$),
        ('DeleteMembershipTableEntriesKey', $sql$
            WITH members AS (DELETE FROM cluster_members WHERE cluster_id = @DeploymentId)
            DELETE FROM cluster_versions WHERE cluster_id = @DeploymentId
        $sql$),
        ('CleanupDefunctSiloEntriesKey', $sql$
            DELETE FROM cluster_members
            WHERE cluster_id = @DeploymentId AND status = 6
              AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
        $sql$),
        ('CleanupDefunctSiloEntryKey', $sql$
            DELETE FROM cluster_members
            WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
              AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
              AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
        $sql$);
        """;
}
