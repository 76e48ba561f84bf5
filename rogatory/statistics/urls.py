from . import public_views, report_views, views

urlpatterns = views.urlpatterns + public_views.urlpatterns + report_views.urlpatterns

__all__ = ["urlpatterns"]
