"""Application configuration: settings, the database client, middleware and error handling."""
