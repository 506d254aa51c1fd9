"""The demo school that `make run` serves. `loader` makes it: the school itself (`school`), then
each domain's demo content (`voting`, `proposals`, `moderation`), as app.domains lists them.

Demo imports the domains, never the reverse."""
