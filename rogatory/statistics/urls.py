from .report_views import urlpatterns as report_urlpatterns
from .views import urlpatterns as statistics_urlpatterns

urlpatterns = statistics_urlpatterns + report_urlpatterns

__all__ = ["urlpatterns"]
