/// The spec files of the user's chapter (../shared/seeds), with `BIN = "bin"` as on Linux.
enum SeedSpecs {
    static let scenarioTest = """
        # Linux (native): BIN = "bin"
        BIN = "bin"
        db = service("db", BIN + "/mock-db",
            interface("main", "tcp", 5432),
            healthcheck = tcp("localhost:5432"),
        )
        api = service("api", BIN + "/mock-api",
            interface("public", "http", 8080),
            env = {"PORT": "8080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:8080/health"),
        )
        def order_flow():
            \"\"\"Write data through the API, read it back.\"\"\"
            api.post(path="/data/mykey", body="myvalue")
            return api.get(path="/data/mykey")
        scenario(order_flow)

        """

    static let generated = """
        # order_flow.faults.star (generated)
        load("scenario-test.star", "api", "db", "order_flow")
        # --- Fault Assumptions ---
        # network faults
        db_down = fault_assumption("db_down",
            target = api,
            connect = deny("ECONNREFUSED"),
        )
        db_slow = fault_assumption("db_slow",
            target = api,
            connect = delay("5s"),
        )
        db_connection_reset = fault_assumption("db_connection_reset",
            target = api,
            read = deny("ECONNRESET"),
        )
        # disk faults
        disk_io_error = fault_assumption("disk_io_error",
            target = db,
            write = deny("EIO"),
        )
        disk_full = fault_assumption("disk_full",
            target = db,
            write = deny("ENOSPC"),
        )
        fsync_failure = fault_assumption("fsync_failure",
            target = db,
            fsync = deny("EIO"),
        )
        # --- Fault Matrix ---
        fault_matrix(
            scenarios = [order_flow],
            faults = [db_down, db_slow, db_connection_reset, disk_io_error, disk_full, fsync_failure],
        )
        # --- Network Partitions ---
        def test_order_flow_db_partition():
            \"\"\"order_flow with network partition between api and db.\"\"\"
            partition(api, db, run=order_flow)

        """

    /// The chapter's curated variant: overrides per cell and an excluded pair (4 cells).
    static let overrides = """
        load("scenario-test.star", "api", "db", "order_flow")
        db_down = fault_assumption("db_down", target = api, connect = deny("ECONNREFUSED"))
        db_slow = fault_assumption("db_slow", target = api, connect = delay("5s"))
        disk_io_error = fault_assumption("disk_io_error", target = db, write = deny("EIO"))
        disk_full = fault_assumption("disk_full", target = db, write = deny("ENOSPC"))
        fsync_failure = fault_assumption("fsync_failure", target = db, fsync = deny("EIO"))
        fault_matrix(
            scenarios = [order_flow],
            faults = [db_down, db_slow, disk_io_error, disk_full, fsync_failure],
            overrides = {
                (order_flow, db_down): lambda r: assert_true(r.status >= 500),
                (order_flow, db_slow): lambda r: assert_true(r.duration_ms > 4000),
            },
            exclude = [
                (order_flow, fsync_failure),  # service doesn't use fsync
            ],
        )

        """
}
