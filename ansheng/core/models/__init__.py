from ansheng.core.models.audit import AuditEvent, ChainHead, ObjectChange
from ansheng.core.models.jobs import Job
from ansheng.core.models.notifications import Notification
from ansheng.core.models.organisations import Organisation
from ansheng.core.models.regions import Region
from ansheng.core.models.users import ApiToken, LoginFailure, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "ChainHead",
    "Job",
    "LoginFailure",
    "Notification",
    "ObjectChange",
    "Organisation",
    "Region",
    "User",
]
