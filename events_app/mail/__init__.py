"""Mail: rendering outbox rows (Dutch and English) and delivering them over SMTP.

``render`` turns a row into a message at delivery time, ``delivery`` claims and sends rows,
``scheduled`` queues reminders and hosts' digests, ``catcher`` is the
development mail catcher.
"""
