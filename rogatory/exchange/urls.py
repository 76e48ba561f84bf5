"""The exchange's URLs: the endpoint for other nodes, and the pages."""

from . import endpoint, views

urlpatterns = endpoint.urlpatterns + views.urlpatterns
