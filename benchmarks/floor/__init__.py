"""The floor of benchmarks/throughput.py: a bare Django project rendering one 20-row template
behind 4 middleware, served by gunicorn as the board is. What no page of the board can beat."""
