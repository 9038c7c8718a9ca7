from django.urls import path

from xuncha.api import views
from xuncha.api.api import api

urlpatterns = [
    # /api/ and /api/v1/ are no operations: they lead to the documentation page (before api.urls,
    # whose own root only raises 404).
    path("api/", views.to_docs, name="api-home"),
    path("api/v1/", views.to_docs, name="api-v1-home"),
    path("api/", api.urls),
    path("account/tokens/", views.token_list, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke", views.token_revoke, name="api-token-revoke"),
]
