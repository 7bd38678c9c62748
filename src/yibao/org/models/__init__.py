from .bureau import Bureau, Department, Post
from .people import Officer, UserProfile
from .security import PasswordHistory

__all__ = ["Bureau", "Department", "Officer", "PasswordHistory", "Post", "UserProfile"]
