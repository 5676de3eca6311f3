"""What the apps' APIs share: lists paginated as ../shared/domain.md section 12 says
(``{"count", "next", "previous", "results"}``, ``?page=`` and ``?page_size=``)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """50 a page by default; the caller may ask up to 500 with ``?page_size=``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
