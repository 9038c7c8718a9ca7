"""Notifications and the 督办 ladder: reminders before a deadline, 督办 and its letter at
overdue, 约谈 beyond M days, the inbox, e-mail and the daily digest (docs/notifications.md)."""
