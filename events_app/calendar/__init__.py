"""Calendar output: deterministic iCalendar (RFC 5545) bytes for feeds and mail invitations."""
