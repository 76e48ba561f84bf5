from .hub_views import urlpatterns as hub_urlpatterns
from .views import urlpatterns

__all__ = ["urlpatterns"]

urlpatterns = [*urlpatterns, *hub_urlpatterns]
