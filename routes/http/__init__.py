"""HTTP plumbing under the routes: error rendering, middleware, links, the web app's files and
the gunicorn worker. It may import config, models and utils; only routes and app.py import it."""
