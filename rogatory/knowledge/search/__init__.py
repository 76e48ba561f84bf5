"""Full-text search over the knowledge base (decision 0015).

One interface, :class:`SearchBackend`; one engine behind it, :class:`TantivyBackend`
(tantivy, an embedded Rust index kept in a directory under ``DATA_DIR``). The database stays the
source of truth: the index holds only what search needs and is rebuilt from the database.

Analysis (the same for documents and queries):

* Python pre-folds text with C-speed whole-string operations (:func:`prefold`): NFKC, Arabic
  tashkil and tatweel removed, hamza forms of alif, alif maqsura and ta marbuta as in
  ``rogatory.lib.textfold``, Russian ё as е.
* tantivy's regex tokenizer then emits one token per Han character and one token per run of
  other letters/digits, lower-cases them and folds Latin accents (``ascii_fold``). A second
  field adds the English Snowball stemmer.
* A query chunk of several tokens (a Chinese term, a quoted phrase, a document symbol) becomes a
  phrase query, so 1-, 2-, 3- and more-character Chinese queries all match exactly what
  contains them.

Snippets are cut and highlighted in Python from the original text (stored in the index), so
the marks fall on the text as published, diacritics included.

Modules, each importing only those before it: ``arabic`` (light stemmer), ``analysis`` (tokens
and chunks), ``synonyms`` (the terms of cooperation), ``query`` (a query box as groups of
chunks), ``engine`` (the index).
"""

from __future__ import annotations

from rogatory.knowledge.search.analysis import prefold
from rogatory.knowledge.search.engine import (
    Hit,
    IndexDoc,
    Page,
    SearchBackend,
    TantivyBackend,
    default_index_path,
)
from rogatory.knowledge.search.query import parse_query

__all__ = [
    "Hit",
    "IndexDoc",
    "Page",
    "SearchBackend",
    "TantivyBackend",
    "default_index_path",
    "parse_query",
    "prefold",
]
