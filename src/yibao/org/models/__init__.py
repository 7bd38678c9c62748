from .bureau import Bureau, Department, Post
from .people import Officer, UserProfile
from .security import PasswordHistory, RecoveryCode, RecoveryCodeDevice

__all__ = ["Bureau", "Department", "Officer", "PasswordHistory", "Post", "RecoveryCode", "RecoveryCodeDevice",
           "UserProfile"]
