"""Opportunity dossiers (the innovation fund) and risk dossiers (domain.md section 9; issue 15)."""
