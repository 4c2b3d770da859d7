"""Snorkel's ``snorkel.slicing.modules``."""
