"""Users, roles, teams and presales levels."""
