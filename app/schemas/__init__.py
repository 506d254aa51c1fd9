"""Request and response bodies: a module per domain (`app.schemas.voting`, ...), next to its router."""
