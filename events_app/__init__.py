"""events_app: registrations, waiting lists, calendar feeds and mail for events and webinars."""

__version__ = "0.1.0"
