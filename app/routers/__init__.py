"""HTTP only: a router module per domain. Which routers the app serves, and in which order, is
declared in app.domains."""
