"""URLs of the request writer (all under a case: /cases/<id>/writer/…)."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
