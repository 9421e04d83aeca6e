"""Calendar feeds: what is in each feed (queries), caching (cache), rows to events (build),
and serving one feed (service).  The HTTP side is :mod:`events_app.web.feeds`."""
