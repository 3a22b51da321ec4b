"""The forecaster's recurrent network: a regressor on the series minus its seasonal reference."""

from ..components import SeasonalReference


class SeasonalNetwork:
    """An `RTRLRegressor` that learns s_t = y_t - r_t, r_t the seasonal reference (the mean of
    the values 1..J seasons back, `SeasonalReference`; 0 without a season), from exogenous
    features, with its own previous target fed back; it forecasts by chaining its predictions
    (each fed back as the next step's previous target) and adding the references back.

    With change prediction, its untrained forecast is "last season's change added to the
    current level", and it learns corrections to that: a season is one lookup away, where
    learning it from scratch would take far more steps than a monthly series has.
    """

    def __init__(self, regressor, period, seasons):
        self.regressor = regressor
        self.season = SeasonalReference(period, seasons)

    @property
    def period(self):
        return self.season.seasonality

    def learn_one(self, y, features):
        base = self.season.reference(0, [], current=y)
        self.regressor.learn_one(features, y - base)
        self.season.update(y)

    def forecast_one(self, features):
        """The forecast of the next value (one step, through the regressor's fast path, whose
        forward step a following `learn_one` with the same features reuses)."""
        return self.regressor.predict_one(features) + self.season.reference(1, [])

    def forecast(self, rows):
        """The next len(rows) values, row k holding the features of step k ahead."""
        forecasts = []
        for k, difference in enumerate(self.regressor.predict_sequence(rows), start=1):
            forecasts.append(difference + self.season.reference(k, forecasts))
        return forecasts
