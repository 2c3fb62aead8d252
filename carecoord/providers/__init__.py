"""The care-provider directory of a region (sociale kaart)."""
