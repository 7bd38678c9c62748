from .bureau import Bureau, Department, Post
from .people import Officer, UserProfile

__all__ = ["Bureau", "Department", "Officer", "Post", "UserProfile"]
