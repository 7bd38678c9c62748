"""Full-text search over items and articles (placeholder until the index lands)."""


def index_catalog(catalog) -> None:
    """Add a catalogue's items to the search index."""
