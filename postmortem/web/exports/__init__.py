"""Post-mortem exports (PDF, Markdown, HTML, JSON) and the Markdown import."""
