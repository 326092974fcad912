"""The domain error every service raises; each entry point translates it."""


class DomainError(Exception):
    """A refused business operation.

    ``code`` is a stable machine-readable string; ``status`` is the HTTP status an API should
    answer with (422 invalid input, 409 conflict, 403 not allowed, 404 not visible).
    """

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        status: int = 422,
        field: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.code = code
        self.detail = str(detail)
        self.status = status
        self.field = field
        # More fields for the response body (e.g. the ``items`` of a floor_breach).
        self.extra = extra or {}

    def __str__(self) -> str:
        return self.detail


class NotAllowed(DomainError):
    def __init__(self, detail: str, code: str = "forbidden"):
        super().__init__(code, detail, status=403)


class NotFound(DomainError):
    def __init__(self, detail: str, code: str = "not_found"):
        super().__init__(code, detail, status=404)


class Conflict(DomainError):
    def __init__(self, code: str, detail: str):
        super().__init__(code, detail, status=409)
