"""URLs of the request writer (all under a case: /cases/<id>/writer/…)."""

from . import wizard
from .views import urlpatterns as writer_urlpatterns

urlpatterns = [*writer_urlpatterns, *wizard.urlpatterns]

__all__ = ["urlpatterns"]
