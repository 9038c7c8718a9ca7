from django.urls import path

from xuncha.exchange import views

urlpatterns = [
    path("exchange/", views.exchange_page, name="exchange"),
    path("exchange/export", views.bundle_export, name="exchange-export"),
    path("exchange/import", views.bundle_import, name="exchange-import"),
    path("exchange/conflicts/<int:pk>/decide", views.conflict_decide, name="exchange-decide"),
    path("exchange/peers/new", views.peer_create, name="exchange-peer-create"),
]
