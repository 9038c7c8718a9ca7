from django.urls import path

from xuncha.api import views
from xuncha.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("account/tokens/", views.token_list, name="api-tokens"),
    path("account/tokens/<int:pk>/revoke", views.token_revoke, name="api-token-revoke"),
]
