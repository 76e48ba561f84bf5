"""URLs of the request writer (all under a case: /cases/<id>/writer/…)."""

from . import delegation_views, wizard
from .views import urlpatterns as writer_urlpatterns

urlpatterns = [*writer_urlpatterns, *wizard.urlpatterns, *delegation_views.urlpatterns]

__all__ = ["urlpatterns"]
