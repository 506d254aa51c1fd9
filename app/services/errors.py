"""Domain errors carry a message a person can read; routers turn them into 4xx."""


class DomainError(Exception):
    """Bad input or a refused move. Nothing was changed."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class TooMany(DomainError):
    status_code = 429
