"""The request writer: the structured request document, its schema and the completeness rules.

* ``document.py`` builds the request document (JSON, ``schemas/request-1.schema.json``) from an
  outgoing case, validates and loads it.
* ``completeness.py`` checks a document against the rules kept as data in ``rules/*.toml``.
* ``render/`` (another module) turns the document into DOCX and PDF.
"""
