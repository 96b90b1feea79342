"""POS services: reading files (reading.py), the set-based load (pipeline.py), and the use cases the pages,
API and tasks call (imports.py)."""
