from . import public_views, views

urlpatterns = views.urlpatterns + public_views.urlpatterns

__all__ = ["urlpatterns"]
