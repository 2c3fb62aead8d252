"""The client (presumed victim): encrypted identity, coded facts, duplicate check."""
