"""Pure helpers: no I/O and no database; the same input gives the same answer."""
