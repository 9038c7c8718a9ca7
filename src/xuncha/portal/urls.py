from django.urls import path

from xuncha.portal.views import comments, feeds, public

app_name = "portal"

urlpatterns = [
    path("", public.index, name="index"),
    path("notices/<int:pk>/", public.notice_page, name="notice"),
    path("notices/<int:pk>/download/<str:fmt>", public.notice_download, name="download"),
    path("notices/<int:pk>/comment", comments.comment, name="comment"),
    path("notices/<int:pk>/qr.svg", public.qr_svg, {"kind": "notice"}, name="notice-qr"),
    path("units/<int:pk>/", public.unit_page, name="unit"),
    path("units/<int:pk>/qr.svg", public.qr_svg, {"kind": "unit"}, name="unit-qr"),
    path("query/", comments.lookup, name="lookup"),
    path("query/rate", comments.rate, name="rate"),
    path("challenge/<str:token>.svg", comments.challenge_image, name="challenge"),
    path("feed.atom", feeds.NoticeFeed(), name="feed"),
    path("sitemap.xml", feeds.sitemap, name="sitemap"),
]
