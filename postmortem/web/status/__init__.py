"""The public status page (no login) and the admin pages for maintenance."""
