"""Calendar feeds: what is in each feed (queries), caching (cache), rows to events (build),
and serving one feed (service).  The HTTP side is :mod:`events_app.web.feeds`
(with :mod:`events_app.web.feed_answers` and :mod:`events_app.web.fast_lane`)."""
