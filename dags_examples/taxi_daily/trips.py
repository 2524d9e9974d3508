"""Daily NYC taxi trips: clean one day of trips, then aggregate per pickup zone."""

import bauplan


@bauplan.model()
@bauplan.python("3.11", pip={"polars": "1.9.0"})
def trips_clean(
    trips=bauplan.Model(
        "taxi_fhvhv",
        columns=["pickup_datetime", "PULocationID", "trip_miles", "base_passenger_fare"],
        filter="pickup_datetime >= '$run_date' AND pickup_datetime < DATE '$run_date' + 1",
    ),
    min_trip_miles=bauplan.Parameter("min_trip_miles"),
):
    import polars as pl

    return (
        pl.from_arrow(trips)
        .filter(pl.col("trip_miles") >= min_trip_miles)
        .drop_nulls(["PULocationID", "base_passenger_fare"])
        .to_arrow()
    )


@bauplan.model(materialization_strategy="APPEND")
@bauplan.python("3.11", pip={"polars": "1.9.0"})
def trips_daily_by_zone(trips=bauplan.Model("trips_clean"), run_date=bauplan.Parameter("run_date")):
    import polars as pl

    return (
        pl.from_arrow(trips)
        .group_by("PULocationID")
        .agg(
            pl.len().alias("trips"),
            pl.col("trip_miles").sum().alias("miles"),
            pl.col("base_passenger_fare").sum().alias("fares"),
        )
        .with_columns(pl.lit(run_date).alias("run_date"))
        .to_arrow()
    )
