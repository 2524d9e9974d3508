import bauplan

RAW = bauplan.Model("taxi_fhvhv")
CLEAN = bauplan.Model("trips_clean")


@bauplan.model()
@bauplan.python("3.11")
def trips_clean(data=RAW):
    return data


@bauplan.model()
@bauplan.python("3.11")
def trips_daily(data=CLEAN):
    return data
