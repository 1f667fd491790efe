"""Texts for the health route."""

HEALTH_SUMMARY = "Check the service and its database"
HEALTH_DESCRIPTION = """
Public. Answers `200 {"status": "ok", "database": "ok", "version"}` when the service can reach its
database, and `503 DatabaseUnavailable` (within about 5 seconds) when it cannot. Suitable for load
balancer and uptime checks.
"""
