"""Demo data: two invented organisations with every kind of event, loaded once
(:func:`events_app.demo.load.load_demo`).

Everything here is made up (people, places, ``example.org`` addresses) and written for this
project.  Dates are placed relative to today, so the demo always shows upcoming dates.  It goes
through the same services as the API, so the demo is also a smoke test of them.
"""
