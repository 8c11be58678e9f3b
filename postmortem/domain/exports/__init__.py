"""Post-mortem exports: one function per format, each returning bytes, shared
by the web routes and the CLI."""
