"""The JSON APIs: v1 for the tool, v2 for Statuspage-compatible clients."""
