"""Reports shaped like the questions asked (decision 0041): layouts as data (``*.toml`` and
``layouts.py``), the report built from a layout (``document.py``), its PDF and workbook, and
the runs that write them in the background (``runs.py``)."""
