"""Requests for an expert: a school or care organisation asks for a guest lesson, an empathy
session, a workshop or a speaker; the organisation talks with them, asks experts from its pool,
proposes a date, and an accepted proposal becomes an event.

- ``links``: the private links of requesters and asked experts (HMAC of a salt, only by mail).
- ``access``: a request or pool entry of the caller's organisation, or the same 404 for all else.
- ``history``: one line per step of a request (who did what, messages).
- ``views``: the typed view of a request that pages and the API show.
- ``notices``: the mails a request causes, and the throttles that keep them few.
- ``intake``: the public form, the requester's own page, withdrawing, the requester's messages.
- ``inbox``: the organisers' list and detail, their messages and status changes.
- ``experts``: the pool of experts (with consent); ``asks``: asking them for a request;
  ``expert_links``: the asked expert's own link (their answer, leaving the pool).
- ``proposals``: proposals to the requester; accepted, one becomes an event.
- ``fees`` and ``overview``: the fee export and the figures per month and topic.

Rules without a database: ``events_app/domain/expert_requests.py``.
"""
