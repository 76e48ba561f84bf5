from . import hub_views, public_views, report_views, views

urlpatterns = (
    views.urlpatterns + public_views.urlpatterns + report_views.urlpatterns + hub_views.urlpatterns
)

__all__ = ["urlpatterns"]
