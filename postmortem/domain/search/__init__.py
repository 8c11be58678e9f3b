"""Full-text search over incidents and what was written on them.

`index` keeps the search documents and list facets current in the
transaction that writes the text; `query` parses what people type; `engine`
runs it on SQLite FTS5 or PostgreSQL tsvector.
"""
