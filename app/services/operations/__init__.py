"""Running the database safely: the secret key guard, backup and restore, integrity check.

None of this is pupil-facing; it is what `inspraak` and the app factory call to refuse a
dangerous start and to keep a copy that restores.
"""
