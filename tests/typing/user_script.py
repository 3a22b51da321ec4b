"""A user's script, type-checked by CI against the editable install (.ci/run): the three
estimators fitted and used the River way and the scikit-learn way. Also run by the tests."""

import numpy as np
from river import datasets

from rtrl_river import RTRLClassifier, RTRLForecaster, RTRLRegressor
from rtrl_river.learners import TBPTT


def main() -> None:
    regressor = RTRLRegressor(hidden_size=4, learner=TBPTT(truncation=8), seed=0)
    stream = list(datasets.TrumpApproval().take(20))
    for x, y in stream:
        regressor.learn_one(x, y)
    prediction: float | None = regressor.predict_one(stream[-1][0])

    rng = np.random.default_rng(0)
    X, y_values = rng.normal(size=(30, 2)), rng.normal(size=30)
    fitted: RTRLRegressor = RTRLRegressor(hidden_size=4, seed=0).fit(X, y_values)
    predictions: np.ndarray = fitted.predict(X[:5])

    classifier = RTRLClassifier(hidden_size=4, seed=0)
    emails = list(datasets.Phishing().take(20))
    for x, label in emails:
        classifier.learn_one(x, label)
    probabilities = classifier.predict_proba_one(emails[-1][0])
    labels: np.ndarray = RTRLClassifier(hidden_size=4, seed=0).fit(X, y_values > 0).predict(X)

    forecaster = RTRLForecaster(hidden_size=4, seasonality=12, seed=0)
    for _, passengers in datasets.AirlinePassengers().take(36):
        forecaster.learn_one(passengers)
    forecast: list[float | None] = forecaster.forecast(horizon=12)
    print(prediction, predictions.shape, len(probabilities), labels.shape, len(forecast))


if __name__ == "__main__":
    main()
