"""The strings /docs and /redoc show: one module per area, written for the API's consumers."""
