"""Publishing: what a built dataset tells its readers.

Takes the written tables and the manifest and gives the Frictionless Data Package, the Croissant
metadata and the dataset card (`package`), what was extracted per language for the card and the
build summary (`languages`) and the report of charts (`report`). Fills no column.
"""
