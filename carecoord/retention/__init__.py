"""Retention: purging the identifying data and free text of long-closed client files."""
