"""The region's set-up as plain data: the ``catalog.toml`` format of domain.md section 12.

A catalog holds a region's municipalities, segments (with their funding model), providers,
contracts, budgets and innovation funds. Three modules, one job each:

- :mod:`~regie.engine.catalog.model`: the frozen dataclasses, the closed vocabularies
  (domains, funding models, deadline rules) and :func:`declaration_deadline`;
- :mod:`~regie.engine.catalog.parse`: :func:`parse_catalog` / :func:`catalog_from_dict` read
  and validate a file completely before anything is stored, every error naming the file, the
  entry and the rule (:class:`CatalogError`);
- :mod:`~regie.engine.catalog.dump`: :func:`dumps_catalog` / :func:`dump_catalog` write the
  same format back (the synthetic regions use it).

Every name is importable from here: ``from regie.engine.catalog import Catalog, parse_catalog``.
"""

from regie.engine.catalog.dump import catalog_to_dict, dump_catalog, dumps_catalog
from regie.engine.catalog.model import (
    ANSWER_TERM_DAYS,
    DEADLINE_RULES,
    DEFAULT_EXECUTION,
    DOMAINS,
    EXECUTIONS,
    FUNDING_MODELS,
    INSTALMENT_RULES,
    WAITING_NORM_DAYS,
    Budget,
    Catalog,
    CatalogError,
    Contract,
    InnovationFund,
    Municipality,
    Provider,
    Segment,
    declaration_deadline,
)
from regie.engine.catalog.parse import catalog_from_dict, parse_catalog

__all__ = [
    "ANSWER_TERM_DAYS",
    "WAITING_NORM_DAYS",
    "DEADLINE_RULES",
    "DEFAULT_EXECUTION",
    "DOMAINS",
    "EXECUTIONS",
    "FUNDING_MODELS",
    "INSTALMENT_RULES",
    "Budget",
    "Catalog",
    "CatalogError",
    "Contract",
    "InnovationFund",
    "Municipality",
    "Provider",
    "Segment",
    "catalog_from_dict",
    "catalog_to_dict",
    "declaration_deadline",
    "dump_catalog",
    "dumps_catalog",
    "parse_catalog",
]
