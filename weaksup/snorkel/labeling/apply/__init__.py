"""Snorkel's ``snorkel.labeling.apply``: LF appliers (``.core``, ``.pandas``, ``.dask``)."""
