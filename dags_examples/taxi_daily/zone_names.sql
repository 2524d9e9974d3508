-- Attach borough and zone names to the daily aggregate.
SELECT d.run_date, z.Borough AS borough, z.Zone AS zone, d.trips, d.miles, d.fares
FROM trips_daily_by_zone AS d
JOIN taxi_zones AS z ON z.LocationID = d.PULocationID
