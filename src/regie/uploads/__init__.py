"""Uploads: files delivered over the API or the web app, ingested by a job (docs/adr/0029)."""
