"""Commands run by hand: `python -m scripts.<name>`."""
