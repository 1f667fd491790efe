"""The service version, shown by /api/health and the OpenAPI document."""

VERSION = "1.0.0"
