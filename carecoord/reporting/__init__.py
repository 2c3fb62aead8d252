"""Reporting: the CoMensha export, the anonymised dashboard and the regional monitor."""
