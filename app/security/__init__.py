"""Cross-cutting defences, each in one small module used by every domain.

- `bounds`: what text, numbers and dates may come in (pure rules, no HTTP)
- `limits`: applies those bounds to every request (body size, text, ids)
- `headers`: security and cache headers on every response, errors included
- `csrf`: form tokens tied to the session, and the JSON-only rule of the API
- `csv`: the one CSV writer, whose cells stay data in a spreadsheet
- `openapi`: the API description, with every error a route can give
"""
