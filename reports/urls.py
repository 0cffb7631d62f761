"""HTML pages."""

urlpatterns = []
