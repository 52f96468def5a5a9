"""The web UI under `/ui`: server-rendered pages (Jinja2) with htmx, served by the API process."""
