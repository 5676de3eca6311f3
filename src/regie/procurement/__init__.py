"""Procurement: tenders with quality requirements, bids with evidence, four-eyes assessments
and the award that writes the contracts (domain.md section 10a; the rules are
:mod:`regie.engine.procurement`)."""
