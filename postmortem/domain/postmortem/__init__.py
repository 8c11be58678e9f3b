"""The post-mortem document: templates, generated blocks, the first draft,
revisions, the review workflow, the readiness check and rendering."""
