"""Users, roles, regions and municipalities; sign-in and the access guards."""
