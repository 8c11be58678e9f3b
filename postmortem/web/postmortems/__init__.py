"""Post-mortem pages: the document, writing it, review, revisions, templates."""
