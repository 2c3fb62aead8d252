"""The dashboard's rollups: its counts kept per region and quarter, updated with every write."""
