"""Relationship management: dialogues with each provider, their agenda, notes and agreements
(domain.md section 10). The rules are in :mod:`regie.engine.relations`; this app stores and
authorises. See docs/adr/0016-dialogues-and-agreements.md."""
