"""HTTP routes: thin functions that parse input, call one utils function and return a model."""
