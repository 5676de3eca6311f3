"""Access: one registration point and the shared, prioritised waiting list (domain.md section 8).

The rules are in :mod:`regie.engine.access`; this app stores the registrations
(:class:`~regie.access.models.Registration`), takes them from the message traffic and the
waiting-list CSV, links them to the starts that take them off the list, raises
``waiting_norm`` and serves the API (:mod:`regie.access.api`).
"""
