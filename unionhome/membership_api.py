"""API endpoints for unions and membership (see API.md, "Unions and membership")."""

from ninja import Router

router = Router(tags=["membership"])
