"""Early warning: forecasts of a limit crossing, anomaly detection, their windows and robust
estimators."""
