"""Server-rendered pages for attendees: HTML that works without JavaScript, nl and en.

The routes are collected in :mod:`events_app.web.pages.controllers`; this package's
``__init__`` imports nothing, so importing one page module does not import them all.
"""
