"""Views: they only read, or call services."""
