"""Stand-ins of the systems the module talks to, for tests and the demo (never production)."""
