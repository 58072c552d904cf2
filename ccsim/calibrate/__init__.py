"""From a real ACD call log to a scenario, and back: read logs, estimate, write, backtest."""
