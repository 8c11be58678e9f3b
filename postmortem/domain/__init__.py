"""Domain logic shared by the web UI, the API and the CLI.

Functions here take plain values, never touch `flask.request`, and leave the
commit to the caller.
"""
