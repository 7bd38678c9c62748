from .library import Article, Law

__all__ = ["Article", "Law"]
