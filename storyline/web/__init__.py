"""The web UI and the JSON API: :func:`storyline.web.app.create_app` builds the FastAPI app."""
