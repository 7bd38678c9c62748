"""How long the audit trail and the application logs are kept before they may be archived."""

import datetime as dt

# 《中华人民共和国网络安全法》第二十一条第（三）项：采取监测、记录网络运行状态、网络安全事件的技术措施，
# 并按照规定留存相关的网络日志不少于六个月。(The act is not in yibao's law library; cited by name.)
LOG_RETENTION_MONTHS = 6
LOG_RETENTION_BASIS = "《中华人民共和国网络安全法》第二十一条第（三）项"


def earliest_archivable(today: dt.date) -> dt.date:
    """The latest `before` date an archive may take: events on or after it are younger than the period."""
    month = today.month - LOG_RETENTION_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    # The same day of the month, or the month's last day when it is shorter (31 August → 28/29 February).
    for day in range(today.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, min(today.day, 28))

# Daily rotated log files kept: enough days for any six consecutive months.
LOG_BACKUP_DAYS = 31 * LOG_RETENTION_MONTHS
