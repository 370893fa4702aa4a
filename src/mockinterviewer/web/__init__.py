"""The web face: coaches review sessions, candidates read their own (FastAPI, server-rendered Jinja2).

`create_app(settings)` builds the app; `mockinterviewer serve` runs it under uvicorn.
"""

from mockinterviewer.web.app import create_app

__all__ = ["create_app"]
