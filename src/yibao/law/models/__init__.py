from .library import Article, Law
from .review import ProvisionReview

__all__ = ["Article", "Law", "ProvisionReview"]
